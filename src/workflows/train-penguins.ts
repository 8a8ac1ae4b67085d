import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lang } from '../card/labels.js';
import { chartsAsGraphics, startPenguinCharts, type NamedChart } from '../card/presets/penguin-graphics.js';
import { PENGUIN_CARD_EXTRAS, penguinCard, type PenguinCardReferences } from '../card/presets/penguins.js';
import { renderDescription } from '../card/render.js';
import type { ModelCard } from '../card/schema.js';
import { cardFileList, writeCard, type CardFiles } from '../card/write.js';
import type { MlflowClient } from '../mlflow/client.js';
import type { TrackingTarget } from '../mlflow/fallback.js';
import type { RestStore } from '../mlflow/rest/index.js';
import type { Tags } from '../mlflow/types.js';
import { crossValidateTrained, trainAndTest, type ProgressListener, type TrainingResult, type TrainOptions } from '../train/index.js';
import { splitDatasets, splitRows } from './penguin-datasets.js';
import { FOREST_FILE, writePenguinModel } from './penguin-model.js';
import { gitCommit, metricPoints, penguinRunContent, resultsDocument, type PenguinRunContent } from './penguin-run.js';
import { evaluatePenguinModel } from './penguin-evaluation.js';
import { CONFUSION_MATRIX_FILE, PER_CLASS_METRICS_FILE, type ClassifierEvaluation } from '../mlflow/classifier-evaluation.js';
import { DATASET_CONTEXT_TAG, MODEL_VERSION_TAG, REGISTERED_VERSION_TAG, VERSION_RUN_TAG } from '../mlflow/tags.js';

export const PENGUIN_CARD_HTML = 'penguin_model_card.html';
const MODEL_ARTIFACT_PATH = 'model';
/** The files of the logged model besides MLmodel (see `writePenguinModel`). */
const MODEL_FILES = [
  'model.onnx',
  FOREST_FILE,
  'requirements.txt',
  'conda.yaml',
  'python_env.yaml',
  'input_example.json',
  'serving_input_example.json',
];

export interface TrainPenguinsRequest {
  train: TrainOptions;
  lang: Lang;
  modelVersion: string;
  /** The experiment by name (created when missing), or by `experimentId` alone (MLFLOW_EXPERIMENT_ID). */
  experimentName: string | undefined;
  experimentId?: string | undefined;
  runName: string;
  userTags: Tags;
  registeredName?: string | undefined;
  alias?: string | undefined;
  outDir: string;
  /** The card's HTML file name (default penguin_model_card.html); the other files share its stem. */
  cardName?: string | undefined;
  inlineImages?: boolean | undefined;
  /** Applies the user's `--config` and card flags over the computed card. */
  customizeCard: (card: ModelCard) => Promise<ModelCard>;
  onProgress?: ProgressListener | undefined;
}

import type { Recording } from './recording.js';

export type { Recording };

export interface RecordedRun {
  experimentId: string;
  runId: string;
  runLink: string;
  modelUri: string;
  /** `aliasMovedFrom`: the version the alias pointed at before (it moves, as MLflow's aliases do). */
  registered?: { name: string; version: string; alias?: string | undefined; aliasMovedFrom?: string | undefined } | undefined;
  artifacts: string[];
  /** HTTP requests the run took, when recorded on a server. */
  httpRequests?: number | undefined;
}

export interface TrainPenguinsOutcome {
  result: TrainingResult;
  content: PenguinRunContent;
  card: ModelCard;
  files: CardFiles;
  recorded?: RecordedRun | undefined;
}

function cardHtmlName(request: TrainPenguinsRequest): string {
  return request.cardName ?? PENGUIN_CARD_HTML;
}

/** What a real run would send to MLflow, for --dry-run (no network, nothing recorded). */
function recordingPlan(request: TrainPenguinsRequest, content: PenguinRunContent, charts: readonly NamedChart[]): Record<string, unknown> {
  return {
    experiment: request.experimentName ?? `id ${request.experimentId}`,
    run_name: request.runName,
    params: content.params,
    metrics: Object.fromEntries(content.metrics.map(({ key, value }) => [key, value])),
    tags: content.tags,
    dataset_inputs: Object.values(content.datasets).map((input) => ({
      name: input.dataset.name,
      digest: input.dataset.digest,
      context: input.tags[DATASET_CONTEXT_TAG],
    })),
    artifacts: [
      `${MODEL_ARTIFACT_PATH}/MLmodel`,
      ...MODEL_FILES.map((file) => `${MODEL_ARTIFACT_PATH}/${file}`),
      ...['html', 'md', 'json'].map((extension) => `model_card/${cardHtmlName(request).replace(/html$/, extension)}`),
      ...charts.map((chart) => `graphics/${chart.file}`),
      'results/model_results.json',
      PER_CLASS_METRICS_FILE,
      CONFUSION_MATRIX_FILE,
    ],
    ...(request.registeredName
      ? { register: { name: request.registeredName, alias: request.alias ?? null, description: 'the card Markdown' } }
      : {}),
  };
}

async function writeCardFiles(request: TrainPenguinsRequest, result: TrainingResult, references: PenguinCardReferences, charts: readonly NamedChart[]) {
  const card = await request.customizeCard(penguinCard(result, request.lang, references, chartsAsGraphics(charts)));
  return writeCard({ card, outDir: request.outDir, htmlName: cardHtmlName(request), lang: request.lang, inlineImages: request.inlineImages === true, extras: PENGUIN_CARD_EXTRAS });
}

interface Computed {
  result: TrainingResult;
  rows: ReturnType<typeof splitRows>;
  content: PenguinRunContent;
  charts: NamedChart[];
  evaluation: ClassifierEvaluation;
  startTime: number;
}

/**
 * Trains, tests and cross-validates, and computes everything the run and its card show. The test
 * charts render on the thread pool while cross-validation runs here.
 */
async function compute(request: TrainPenguinsRequest): Promise<Computed> {
  const startTime = Date.now();
  const commit = gitCommit(process.cwd());
  const tested = await trainAndTest(request.train, request.onProgress);
  const charts = startPenguinCharts(tested, request.lang);
  const result = await crossValidateTrained(tested, request.train, request.onProgress);
  const rows = splitRows(result);
  const evaluation = evaluatePenguinModel(result, rows.test);
  const content = penguinRunContent(
    result,
    { modelVersion: request.modelVersion, userTags: request.userTags, commit: await commit },
    splitDatasets(rows, result.data.source),
    evaluation.metrics,
  );
  return { result, rows, content, charts: await charts.finish(result), evaluation, startTime };
}

/** The record step: what was computed goes to MLflow, and the card names the run. Safe to run twice. */
async function recordRun(request: TrainPenguinsRequest, computed: Computed, client: MlflowClient, target: TrackingTarget, staging: string): Promise<TrainPenguinsOutcome> {
  const { result, rows, content, charts, evaluation, startTime } = computed;
  // What only a recorded run needs is loaded here, so that a dry run does not load it.
  const [{ runPageUrl }, { attachCardToMlflow }, { failRun }] = await Promise.all([
    import('../mlflow/uris.js'),
    import('../mlflow/attach-card.js'),
    import('../mlflow/run-failure.js'),
  ]);
  const experimentId = await client.resolveExperimentId({ experimentName: request.experimentName, experimentId: request.experimentId });
  const run = await client.createRun({ experimentId, runName: request.runName, startTime, tags: content.sourceTags, userId: content.user });
  const runId = run.info.runId;
  try {
    await client.logBatch(runId, { params: content.params, tags: content.tags });
    await client.logInputs(runId, [content.datasets.training, content.datasets.evaluation]);

    const modelDir = join(staging, MODEL_ARTIFACT_PATH);
    await mkdir(modelDir, { recursive: true });
    const model = await writePenguinModel(modelDir, result.model, {
      exampleRecords: rows.train.records.slice(0, 2),
      mlflowVersion: (await client.capabilities()).version,
    });
    const logged = await client.logModel({
      runId,
      name: MODEL_ARTIFACT_PATH,
      modelDir,
      flavors: model.flavors,
      modelType: 'onnx',
      signature: model.signature,
      fields: model.fields,
      params: content.params,
      tags: content.sourceTags,
    });
    await client.logBatch(runId, { metrics: metricPoints(content, Date.now(), logged.modelId) });

    let registered: RecordedRun['registered'];
    if (request.registeredName) {
      const version = await client.registerModel(logged.modelUri, request.registeredName, {
        tags: { [MODEL_VERSION_TAG]: request.modelVersion, [VERSION_RUN_TAG]: runId },
      });
      let aliasMovedFrom: string | undefined;
      if (request.alias) {
        const before = (await client.getRegisteredModel(request.registeredName)).aliases[request.alias];
        await client.setAlias(request.registeredName, request.alias, version.version);
        if (before !== undefined && before !== version.version) aliasMovedFrom = before;
      }
      registered = { name: request.registeredName, version: version.version, alias: request.alias, ...(aliasMovedFrom ? { aliasMovedFrom } : {}) };
      await client.setTag(runId, REGISTERED_VERSION_TAG, `models:/${request.registeredName}/${version.version}`);
    }

    const runLink = (target.kind === 'server' ? runPageUrl(target.location, experimentId, runId) : undefined) ?? `runs:/${runId}`;
    const written = await writeCardFiles(
      request,
      result,
      {
        modelVersion: request.modelVersion,
        runId,
        runLink,
        modelUri: logged.modelUri,
        ...(registered ? { registeredName: registered.name, registeredVersion: registered.version } : {}),
      },
      charts,
    );

    const extras = join(staging, 'extras');
    await mkdir(join(extras, 'graphics'), { recursive: true });
    await mkdir(join(extras, 'results'), { recursive: true });
    for (const chart of charts) await writeFile(join(extras, 'graphics', chart.file), chart.png);
    await writeFile(join(extras, 'results', 'model_results.json'), `${JSON.stringify(resultsDocument(result, content), null, 2)}\n`);
    // Where mlflow.models.evaluate puts its classifier artifacts: the run's root.
    await writeFile(join(extras, PER_CLASS_METRICS_FILE), evaluation.perClassMetricsCsv);
    const confusionMatrix = charts.find((chart) => chart.file === CONFUSION_MATRIX_FILE);
    if (confusionMatrix) await writeFile(join(extras, CONFUSION_MATRIX_FILE), confusionMatrix.png);
    const artifacts = await client.logArtifacts(runId, extras);
    const attached = await attachCardToMlflow(client, {
      ...(registered ? { registeredModelName: registered.name, modelVersion: registered.version } : { runId }),
      files: cardFileList(written.files),
      markdown: renderDescription(written.card, { lang: request.lang }),
    });
    await client.endRun(runId, 'FINISHED');
    // Only a server store counts HTTP requests; the local store makes none.
    const store = client.store as Partial<Pick<RestStore, 'http'>>;
    return {
      result,
      content,
      card: written.card,
      files: written.files,
      recorded: {
        experimentId,
        runId,
        runLink,
        modelUri: logged.modelUri,
        registered,
        artifacts: [...artifacts, ...(attached.versionArtifacts?.paths ?? attached.runArtifacts)],
        ...(store.http ? { httpRequests: store.http.stats.requests } : {}),
      },
    };
  } catch (error) {
    return failRun(client, runId, error);
  }
}

/**
 * Trains, evaluates and documents the penguin classifier; records the run (and registers the
 * model) when a recording is given. The card is written in every case.
 */
export async function trainPenguins(request: TrainPenguinsRequest, recording?: Recording): Promise<TrainPenguinsOutcome & { plan?: Record<string, unknown> }> {
  if (recording) {
    const staging = await mkdtemp(join(tmpdir(), 'mlflow-mct-run-'));
    try {
      // Training first: bad data or a bad option fails before anything is recorded.
      const computed = await compute(request);
      return await recording.record((client, target) => recordRun(request, computed, client, target, staging));
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
  const { result, content, charts } = await compute(request);
  const written = await writeCardFiles(request, result, { modelVersion: request.modelVersion }, charts);
  return { result, content, card: written.card, files: written.files, plan: recordingPlan(request, content, charts) };
}
