import { Command, InvalidArgumentError } from 'commander';
import type { Lang } from '../card/labels.js';
import type { ModelCard } from '../card/schema.js';
import { UsageError } from '../errors.js';
import type { Tags } from '../mlflow/types.js';
import type { MaxFeatures } from '../train/forest.js';
import type { RecordedRun, Recording, TrainPenguinsRequest } from '../workflows/train-penguins.js';
import type { CardFileOptionValues } from './card-options.js';
import { defineCommand } from './define.js';
import { ENV } from './environment.js';
import { CARD_FILE_FLAGS, config, described, dryRun, fraction, integer, json, lang, license, mlflowAlias, mlflowRegName, mlflowRunName, mlflowTags, modelVersion, outDir, owner, quiet, verbose } from './flags.js';
import { mlflowConfigOf, openTracking, recordingFlags, reportTracking, type MlflowOptionValues } from './mlflow-options.js';

interface TrainPenguinsFlags extends MlflowOptionValues, CardFileOptionValues {
  data?: string;
  testSize?: number;
  seed?: number;
  stratify?: boolean;
  nEstimators: number;
  maxDepth?: number;
  maxFeatures?: MaxFeatures;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  bootstrap: boolean;
  randomState?: number;
  cvFolds: number;
  cvRepeats: number;
  evaluate: boolean;
  mlflowRunName?: string;
  mlflowTags?: string;
  modelVersion?: string;
  mlflowRegName?: string;
  mlflowAlias?: string;
  mlflowDisable?: boolean;
  config?: string;
  owner?: string[];
  license?: string;
  lang: Lang;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** `--max-features`: scikit-learn's values, `all` for None. */
function maxFeatures(text: string): MaxFeatures {
  const value = text.trim().toLowerCase();
  if (value === 'sqrt' || value === 'log2') return value;
  if (value === 'all' || value === 'none') return null;
  const number = Number(value);
  if (/^\d+$/.test(value) && number >= 1) return number;
  if (Number.isFinite(number) && number > 0 && number < 1) return number;
  throw new InvalidArgumentError('expected sqrt, log2, all, a whole number of features (e.g. 3) or a fraction in (0, 1) (e.g. 0.5).');
}

/** `--mlflow-tags '{"team": "29"}'`: a JSON object; invalid JSON is an error, never ignored. */
export function parseTags(text: string | undefined): Tags {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--mlflow-tags is not valid JSON: ${(error as Error).message}`, { hint: `write a JSON object, e.g. --mlflow-tags '{"team": "29"}'` });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError('--mlflow-tags must be a JSON object', { hint: `write e.g. --mlflow-tags '{"team": "29"}'` });
  }
  const tags: Tags = {};
  for (const [key, tag] of Object.entries(value as Record<string, unknown>)) {
    if (tag !== null && typeof tag === 'object') throw new UsageError(`--mlflow-tags: the value of "${key}" is not a string, number or boolean`, { hint: 'tag values are text' });
    tags[key] = String(tag);
  }
  return tags;
}

/** `train_penguins_<YYYYmmdd_HHMMSS>` in local time, as mlops-train names its runs. */
export function defaultRunName(now = new Date()): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `train_penguins_${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}_${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
}

function checkFlags(flags: TrainPenguinsFlags): { modelVersion: string } {
  const modelVersion = flags.modelVersion ?? mlflowConfigOf(flags).modelVersion ?? '0.1.0';
  if (!SEMVER.test(modelVersion)) {
    throw new UsageError(`--model-version "${modelVersion}" is not a semantic version`, { hint: 'write MAJOR.MINOR.PATCH, e.g. --model-version 1.2.0' });
  }
  if (flags.mlflowAlias !== undefined && flags.mlflowRegName === undefined) {
    throw new UsageError('--mlflow-alias needs --mlflow-reg-name', { hint: 'name the registered model the alias belongs to' });
  }
  if (flags.mlflowDisable && (flags.mlflowRegName !== undefined || flags.mlflowUri !== undefined)) {
    throw new UsageError('--mlflow-disable cannot be combined with --mlflow-reg-name or --mlflow-uri', { hint: 'drop one of them' });
  }
  return { modelVersion };
}

/** The run's facts, and the registered version under `registered_model` as every command names it. */
function recordedJson({ registered, ...run }: RecordedRun): Record<string, unknown> {
  return { ...run, registered_model: registered ?? null };
}

export function registerTrainPenguins(program: Command): void {
  defineCommand<TrainPenguinsFlags>(
    program,
    {
      name: 'train-penguins',
      description: 'Train a random forest on Palmer Penguins, evaluate it, record the run in MLflow (./mlruns by default), optionally register it, and write its Model Card.',
      flags: [
        { flags: '--data <csv>', description: 'train on this CSV (same columns as the Palmer Penguins file) instead of the shipped data/penguins.csv', completes: 'file' },
        { flags: '--test-size <fraction>', description: 'fraction of rows held out for testing', defaultText: '0.2', parse: fraction },
        { flags: '--seed <n>', description: 'seed of the split, the forest and cross-validation', defaultText: '42', parse: integer(0) },
        { flags: '--stratify', description: 'keep class proportions in the train/test split' },
        { flags: '--n-estimators <n>', description: 'number of trees (scikit-learn n_estimators)', default: 100, parse: integer(1) },
        { flags: '--max-depth <n>', description: 'maximum tree depth (max_depth)', defaultText: 'unlimited', parse: integer(1) },
        { flags: '--max-features <rule>', description: 'features drawn at each split (max_features): sqrt, log2, all, a count or a fraction', defaultText: 'sqrt', parse: maxFeatures },
        { flags: '--min-samples-split <n>', description: 'fewest rows a node needs to be split (min_samples_split)', default: 2, parse: integer(2) },
        { flags: '--min-samples-leaf <n>', description: 'fewest rows each side of a split keeps (min_samples_leaf)', default: 1, parse: integer(1) },
        { flags: '--no-bootstrap', description: 'train every tree on all training rows instead of a bootstrap sample (bootstrap=False; no out-of-bag score)' },
        { flags: '--random-state <n>', description: 'seed of the forest alone (random_state)', defaultText: '--seed', parse: integer(0) },
        { flags: '--cv-folds <n>', description: 'cross-validation folds', default: 5, parse: integer(2) },
        { flags: '--cv-repeats <n>', description: 'cross-validation repeats', default: 3, parse: integer(1) },
        { flags: '--no-evaluate', description: 'skip cross-validation' },
        ...recordingFlags('penguins'),
        described(mlflowRunName, 'the run name', { defaultText: 'train_penguins_<YYYYmmdd_HHMMSS>' }),
        mlflowTags,
        described(modelVersion, 'the model version recorded in the run and the card (semver)', { defaultText: 'MODEL_VERSION, else 0.1.0' }),
        described(mlflowRegName, 'register the model under this name'),
        described(mlflowAlias, 'with --mlflow-reg-name: point this alias (e.g. champion) at the new version'),
        { flags: '--mlflow-disable', description: 'do not record anything in MLflow; only train and write the card' },
        config,
        owner,
        license,
        lang,
        ...CARD_FILE_FLAGS,
        outDir,
        dryRun('still trains, writes the card files in --out-dir and prints what it would log'),
        json,
        quiet,
        verbose,
      ],
      examples: [
        'mlflow-mct train-penguins',
        'mlflow-mct train-penguins --dry-run --json',
        'mlflow-mct train-penguins --mlflow-uri http://127.0.0.1:5000 --mlflow-reg-name penguins-rf --mlflow-alias champion',
        "mlflow-mct train-penguins --lang es --n-estimators 200 --stratify --mlflow-tags '{\"team\": \"29\"}'",
      ],
      exitCodes: {
        1: 'MLflow failed, or did not answer and the run was recorded in ./mlruns instead (0 with --offline-ok)',
        2: 'bad flags, or --data is missing or malformed (the file and column are named)',
      },
      environment: [...ENV.recording, 'MLFLOW_EXPERIMENT', 'MODEL_VERSION'],
    },
    async ({ flags, options, reporter }) => {
      // Loaded here, not at start-up: other commands and --help do not pay for training and cards.
      const [{ trainPenguins, PENGUIN_CARD_HTML }, { cardOutputName, composeCard }, { cardFileLines }, { trainingProgress }] = await Promise.all([
        import('../workflows/train-penguins.js'),
        import('./card-options.js'),
        import('./card-result.js'),
        import('./progress.js'),
      ]);
      const { modelVersion } = checkFlags(flags);
      const userTags = parseTags(flags.mlflowTags);
      const config = mlflowConfigOf(flags);
      const experimentName = config.experimentName ?? (config.experimentId === undefined ? 'penguins' : undefined);
      const request: TrainPenguinsRequest = {
        train: {
          ...(flags.data !== undefined ? { dataPath: flags.data } : {}),
          ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
          split: { ...(flags.testSize !== undefined ? { testSize: flags.testSize } : {}), ...(flags.stratify ? { stratify: true } : {}) },
          forest: {
            nEstimators: flags.nEstimators,
            minSamplesSplit: flags.minSamplesSplit,
            minSamplesLeaf: flags.minSamplesLeaf,
            bootstrap: flags.bootstrap,
            ...(flags.maxDepth !== undefined ? { maxDepth: flags.maxDepth } : {}),
            ...(flags.maxFeatures !== undefined ? { maxFeatures: flags.maxFeatures } : {}),
            ...(flags.randomState !== undefined ? { randomState: flags.randomState } : {}),
          },
          crossValidation: flags.evaluate ? { folds: flags.cvFolds, repeats: flags.cvRepeats } : false,
        },
        lang: flags.lang,
        modelVersion,
        experimentName,
        experimentId: config.experimentId,
        runName: flags.mlflowRunName ?? defaultRunName(),
        userTags,
        registeredName: flags.mlflowRegName,
        alias: flags.mlflowAlias,
        outDir: options.outDir,
        cardName: cardOutputName(flags, options.outDir, undefined, PENGUIN_CARD_HTML.replace(/\.html$/, '')),
        inlineImages: flags.inlineImages === true,
        customizeCard: (card: ModelCard) => composeCard(card, { ...flags, lang: flags.lang }),
        onProgress: trainingProgress(reporter, options.json || options.quiet),
      };

      const recordRun = !options.dryRun && !flags.mlflowDisable;
      const tracking = recordRun ? await openTracking(flags, reporter) : undefined;
      const recording: Recording | undefined = tracking;
      try {
        const outcome = await trainPenguins(request, recording);
        const { result, recorded } = outcome;
        const cv = result.crossValidation;
        const lines = [
          `Accuracy ${result.test.accuracy.toFixed(4)} (95% CI ${result.test.accuracyInterval.lower.toFixed(4)}-${result.test.accuracyInterval.upper.toFixed(4)}) on ${result.test.total} test rows` +
            (cv ? `; cross-validated accuracy ${cv.metrics.accuracy.mean.toFixed(4)} ± ${cv.metrics.accuracy.std.toFixed(4)} (${cv.folds}x${cv.repeats})` : ''),
        ];
        if (result.data.rowsDropped > 0) lines.push(`Dropped ${result.data.rowsDropped} of ${result.data.rowsTotal} rows with missing values`);
        for (const warning of result.warnings) reporter.warn(warning);
        if (recorded && tracking) {
          lines.push(`Run ID: ${recorded.runId} - accuracy: ${result.test.accuracy.toFixed(4)}`);
          if (recorded.registered) {
            const moved = recorded.registered.aliasMovedFrom ? `, moved from version ${recorded.registered.aliasMovedFrom}` : '';
            const alias = recorded.registered.alias ? ` (alias @${recorded.registered.alias}${moved})` : '';
            lines.push(`Registered ${recorded.registered.name} version ${recorded.registered.version}${alias}`);
          }
          lines.push(...reportTracking(reporter, tracking, flags, recorded.runId));
        } else if (options.dryRun) {
          lines.push('Dry run: nothing was sent to MLflow or recorded; would log:', JSON.stringify(outcome.plan, null, 2));
        }
        const metrics = Object.fromEntries(outcome.content.metrics.map(({ key, value }) => [key, value]));
        const mlflow = recorded
          ? {
              recorded: true,
              tracking: tracking?.target.location,
              fallback: tracking?.target.fallback ?? null,
              experiment: experimentName,
              ...recordedJson(recorded),
            }
          : { recorded: false, ...(outcome.plan ? { plan: outcome.plan } : {}) };
        reporter.result(
          {
            dry_run: options.dryRun,
            card: { name: outcome.card.model_details?.name, version: modelVersion },
            metrics,
            files: outcome.files,
            mlflow,
            timings_ms: {
              load: result.timings.loadMs,
              train: result.timings.trainMs,
              evaluate: result.timings.evaluateMs,
              cross_validation: result.timings.crossValidationMs,
              total: result.timings.totalMs,
            },
          },
          [...lines, ...cardFileLines(outcome.files)],
        );
      } finally {
        await tracking?.client.close();
      }
    },
  );
}
