/**
 * Reading the Model Registry for people and scripts: registered models, the versions of one,
 * and what a `models:/` URI resolves to.
 */
import { InputError, UsageError } from '../errors.js';
import type { MlflowClient } from '../mlflow/client.js';
import { isNotFound } from '../mlflow/errors.js';
import { filterLiteral } from '../mlflow/filters.js';
import type { LoggedModel, ModelVersion, RegisteredModel } from '../mlflow/types.js';
import { parseModelUri } from '../mlflow/uris.js';

function missingModel(name: string, error: unknown): InputError {
  return new InputError(`registered model ${JSON.stringify(name)} does not exist`, { hint: 'list the registered models with mlflow-mct models list', cause: error });
}

/** Registered models, by name; `filter` as MLflow takes it, e.g. `name LIKE 'peng%'`. */
export async function listRegisteredModels(client: MlflowClient, filter?: string): Promise<RegisteredModel[]> {
  const models = await client.searchRegisteredModels({ ...(filter ? { filter } : {}), orderBy: ['name ASC'] });
  return models;
}

async function registeredModel(client: MlflowClient, name: string): Promise<RegisteredModel> {
  try {
    return await client.getRegisteredModel(name);
  } catch (error) {
    if (isNotFound(error)) throw missingModel(name, error);
    throw error;
  }
}

/** The version an alias points at, or undefined when the model has no such alias. */
export async function aliasTarget(client: MlflowClient, name: string, alias: string): Promise<string | undefined> {
  return (await registeredModel(client, name)).aliases[alias];
}

/** Every version of `name`, newest first, each with the aliases that point at it. */
export async function listModelVersions(client: MlflowClient, name: string): Promise<ModelVersion[]> {
  const model = await registeredModel(client, name);
  const versions = await client.searchModelVersions({ filter: `name = ${filterLiteral(name)}` });
  return versions
    .map((version) => ({ ...version, aliases: aliasesOf(model, version.version) }))
    .sort((a, b) => Number(b.version) - Number(a.version));
}

function aliasesOf(model: RegisteredModel, version: string): string[] {
  return Object.entries(model.aliases)
    .filter(([, target]) => target === version)
    .map(([alias]) => alias)
    .sort();
}

export interface ShownVersion {
  uri: string;
  version: ModelVersion;
  /** Where the version's files are. */
  artifactUri: string;
}

export type ShownModel = ({ kind: 'version' } & ShownVersion) | { kind: 'logged-model'; uri: string; loggedModel: LoggedModel };

/**
 * What a `models:/` URI names: a registered model version (number, alias, stage or latest, with
 * its aliases) or an MLflow 3 LoggedModel (`models:/m-<id>`).
 */
export async function showModel(client: MlflowClient, uri: string): Promise<ShownModel> {
  const parsed = parseModelUri(uri);
  if (parsed.kind === 'run') {
    throw new UsageError(`${uri} is a run URI, not a model`, {
      hint: 'use models:/<name>/<version>, models:/<name>@<alias>, models:/<name>/<stage>, models:/<name>/latest or models:/m-<id>',
    });
  }
  if (parsed.kind === 'logged-model') {
    if (!(await client.capabilities()).loggedModels) {
      throw new InputError(`${uri} names a LoggedModel, which MLflow before 3.0 does not have`, {
        hint: 'use models:/<name>/<version>, models:/<name>@<alias> or runs:/<run_id>/<path> on this server',
      });
    }
    try {
      return { kind: 'logged-model', uri, loggedModel: await client.getLoggedModel(parsed.modelId) };
    } catch (error) {
      if (isNotFound(error)) throw new InputError(`${uri} does not exist`, { hint: 'copy the model id from the run page or from train-penguins --json (model_uri)', cause: error });
      throw error;
    }
  }
  try {
    const resolved = await client.resolveModelUri(uri);
    const version = resolved.modelVersion as ModelVersion;
    const model = await client.getRegisteredModel(version.name);
    return { kind: 'version', uri, version: { ...version, aliases: aliasesOf(model, version.version) }, artifactUri: resolved.artifactUri };
  } catch (error) {
    if (isNotFound(error)) {
      throw new InputError(`${uri} does not resolve to a model version`, { hint: `list the versions with mlflow-mct models versions ${JSON.stringify(parsed.name)}`, cause: error });
    }
    throw error;
  }
}
