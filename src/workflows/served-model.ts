/**
 * A logged penguin model, loaded for scoring (`serve`, `predict`): found by URI (a `models:/` or
 * `runs:/` URI downloaded through MLflow, or a local model directory), read through its
 * `mlflow_mct` flavor (the Node-native forest) and its signature (the input columns).
 */
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../errors.js';
import type { MlflowClient } from '../mlflow/client.js';
import { MlflowNotFoundError } from '../mlflow/errors.js';
import { ScoringInputError } from '../mlflow/scoring/errors.js';
import type { ServableModel } from '../mlflow/scoring/server.js';
import type { InputColumn } from '../mlflow/scoring/tensor-schema.js';
import { isModelUri } from '../mlflow/uris.js';
import type { RawColumn } from '../onnx/forest-graph.js';
import { ForestScorer, UnknownCategoryError } from '../onnx/scorer.js';
import { ForestModel } from '../train/forest.js';
import { FOREST_FLAVOR } from './penguin-model.js';

export interface LoadedModel {
  model: ServableModel;
  /** Where the files were read from (a temp dir for a downloaded model, removed by `release`). */
  directory: string;
  release(): Promise<void>;
}

interface MlmodelFile {
  flavors?: Record<string, Record<string, unknown>>;
  signature?: { inputs?: string };
}

function notServable(location: string, why: string): InputError {
  return new InputError(`this model cannot be served by mlflow-mct: ${why}`, {
    location,
    hint: `serve a model logged by \`mlflow-mct train-penguins\` (flavor ${FOREST_FLAVOR}); for other models use \`mlflow models serve\``,
  });
}

async function readModelDirectory(directory: string, location: string): Promise<ServableModel> {
  const mlmodelPath = join(directory, 'MLmodel');
  if (!existsSync(mlmodelPath)) throw notServable(location, 'there is no MLmodel file');
  const mlmodel = parseYaml(await readFile(mlmodelPath, 'utf8')) as MlmodelFile;
  const flavor = mlmodel.flavors?.[FOREST_FLAVOR];
  const columns = flavor?.input_columns as RawColumn[] | undefined;
  if (!flavor || typeof flavor.model_file !== 'string' || !Array.isArray(columns)) {
    throw notServable(location, `its MLmodel has no ${FOREST_FLAVOR} flavor with input columns (flavors: ${Object.keys(mlmodel.flavors ?? {}).join(', ') || 'none'})`);
  }
  const forest = ForestModel.fromJSON(JSON.parse(await readFile(join(directory, flavor.model_file), 'utf8')));
  const scorer = new ForestScorer(forest, columns);
  const inputs = columns.map((column): InputColumn => ({ name: column.name, type: column.kind === 'number' ? 'float64' : 'string' }));
  return {
    inputs,
    positionNames: { probabilities: forest.classes },
    predict(rows) {
      try {
        const { labels, probabilities } = scorer.score(rows);
        const width = forest.classes.length;
        return { label: labels, probabilities: labels.map((_, r) => probabilities.subarray(r * width, (r + 1) * width)) };
      } catch (error) {
        if (!(error instanceof UnknownCategoryError)) throw error;
        throw new ScoringInputError('BAD_REQUEST', `Encountered an unexpected error while evaluating the model: ${error.message}.`, {
          hint: `use one of the categories the model was trained on: ${columns
            .filter((column) => column.name === error.column)
            .flatMap((column) => (column.kind === 'category' ? column.categories : []))
            .join(', ')}`,
        });
      }
    },
  };
}

/** Loads the model at `location`; `client` is needed for `models:/` and `runs:/` URIs. */
export async function loadServedModel(location: string, client: MlflowClient | undefined): Promise<LoadedModel> {
  if (!isModelUri(location)) {
    if (!existsSync(location) || !statSync(location).isDirectory()) {
      throw new InputError('no such model directory', { location, hint: 'give -m a models:/ or runs:/ URI, or the directory of a downloaded model' });
    }
    return { model: await readModelDirectory(location, location), directory: location, release: async () => undefined };
  }
  if (!client) throw new InputError('an MLflow model URI needs a tracking server or store', { location, hint: 'set --mlflow-uri or MLFLOW_TRACKING_URI' });
  const staging = await mkdtemp(join(tmpdir(), 'mlflow-mct-serve-'));
  const release = () => rm(staging, { recursive: true, force: true });
  try {
    const directory = await client.downloadArtifacts(location, staging);
    return { model: await readModelDirectory(directory, location), directory, release };
  } catch (error) {
    await release();
    if (error instanceof MlflowNotFoundError) {
      throw new InputError(`no such model: ${error.message}`, { location, hint: 'check the name, version, alias or run id (`mlflow-mct models list` shows the registered models)', cause: error });
    }
    throw error;
  }
}
