import { InvalidArgumentError } from 'commander';
import { parseMetric } from '../card/compose.js';
import { LANGUAGES } from '../card/labels.js';

/**
 * The flag vocabulary of mlflow-mct, as data. A command lists the flags it honours by picking
 * them from here (or declaring its own); `defineCommand` turns them into commander options, the
 * completion scripts and the tests read the same data. A flag shared by several commands is
 * declared once, so it is spelled and means the same everywhere.
 */

export type FlagValue = string | number | boolean | string[];

export interface FlagSpec {
  /** Commander syntax: `--out-dir <dir>`, `-q, --quiet`, `--no-evaluate`. */
  readonly flags: string;
  readonly description: string;
  readonly default?: FlagValue;
  /** How the default reads in help when it is not a fixed value, e.g. "MLFLOW_TRACKING_URI, else ./mlruns". */
  readonly defaultText?: string;
  readonly choices?: readonly string[];
  /** Converts and checks the value; throw `InvalidArgumentError` for an exit-2 message naming the flag. */
  readonly parse?: (value: string, previous: unknown) => unknown;
  /** Former spellings: still accepted, hidden from help, with a deprecation note on stderr. */
  readonly formerly?: readonly string[];
  /** A flag kept only so old scripts still run: hidden from help; using it prints this note. */
  readonly retired?: string;
  /** What a shell completes the value with. */
  readonly completes?: 'file' | 'directory';
}

/** The same flag with a description fitted to one command; name, value and meaning stay. */
export function described(flag: FlagSpec, description: string, extra: Partial<FlagSpec> = {}): FlagSpec {
  return { ...flag, description, ...extra };
}

/** Repeatable flags: `--owner a --owner b`. */
function collect(value: string, previous: unknown): string[] {
  return [...(Array.isArray(previous) ? (previous as string[]) : []), value];
}

/** `--metric type=value[@slice]` with a numeric value; the card stores it as text, as MCT does. */
function metricValue(value: string, previous: unknown): string[] {
  let metric;
  try {
    metric = parseMetric(value);
  } catch {
    throw new InvalidArgumentError('expected type=value[@slice], e.g. accuracy=0.98 or f1=0.97@Adelie.');
  }
  if (!Number.isFinite(Number(metric.value))) {
    throw new InvalidArgumentError(`the value "${metric.value}" is not a number; write e.g. accuracy=0.98 (a card file given with --config may hold text values).`);
  }
  return collect(value, previous);
}

export function integer(min: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) throw new InvalidArgumentError(`expected a whole number >= ${min}.`);
    return value;
  };
}

export function fraction(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value >= 1) throw new InvalidArgumentError('expected a number between 0 and 1 (exclusive), e.g. 0.2.');
  return value;
}

function positiveNumber(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new InvalidArgumentError('expected a positive number, e.g. 2048.');
  return value;
}

/** An absolute http(s) URL. */
export function httpUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError('expected an absolute URL, e.g. https://api.example.com/v1/chat.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`expected an http or https URL, not ${url.protocol}.`);
  return text;
}

/** A calendar date written YYYY-MM-DD (ISO 8601) that exists. */
export function isoDate(text: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const date = match ? new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`) : undefined;
  if (!match || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== match.slice(1).join('-')) {
    throw new InvalidArgumentError('expected an ISO date YYYY-MM-DD, e.g. 2027-01-31.');
  }
  return text.trim();
}

export const maxSizeMiB = positiveNumber;

// Output: every command.
export const json: FlagSpec = { flags: '--json', description: 'print one JSON document on stdout and nothing else there (see `mlflow-mct help json`)' };
export const verbose: FlagSpec = { flags: '--verbose', description: 'print debug details, and stack traces on errors' };
export const quiet: FlagSpec = { flags: '-q, --quiet', description: 'print no progress lines on stderr (warnings and errors still)' };
export const outDir: FlagSpec = {
  flags: '--out-dir <dir>',
  description: 'directory for the files the command writes; created if missing',
  default: '.',
  defaultText: 'the current directory',
  parse: (dir: string) => {
    if (dir.trim() === '-') throw new InvalidArgumentError('files cannot go to stdout; name a directory (--json prints the summary on stdout).');
    return dir;
  },
  completes: 'directory',
};

/** `--dry-run`: nothing sent to MLflow or any network, nothing recorded; `local` says what is still written. */
export function dryRun(local: string): FlagSpec {
  return { flags: '--dry-run', description: `send nothing to MLflow or any network and record nothing; ${local}` };
}

// MLflow: where, and what a run or a registered model is called.
export const mlflowUri: FlagSpec = {
  flags: '--mlflow-uri <uri>',
  description: 'the MLflow tracking server (http[s]://...) or local store (file:<dir>)',
  defaultText: 'MLFLOW_TRACKING_URI, else ./mlruns',
};
export function mlflowExperiment(fallback: string): FlagSpec {
  return { flags: '--mlflow-experiment <name>', description: 'experiment to record the run in', defaultText: `MLFLOW_EXPERIMENT_NAME, else ${fallback}` };
}
/** `--timeout`: the longest one MLflow request may take, retries and their waits included. */
export const timeout: FlagSpec = {
  flags: '--timeout <seconds>',
  description: 'give up on an MLflow request after this many seconds, retries and their waits included',
  defaultText: 'MLFLOW_HTTP_REQUEST_TIMEOUT (120) per attempt, and MLflow\'s retries',
  parse: (text: string) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new InvalidArgumentError('expected a number of seconds above 0, e.g. 30.');
    return value;
  },
};
export const offlineOk: FlagSpec = { flags: '--offline-ok', description: 'exit 0 when the server is unreachable and the run is recorded in ./mlruns instead' };
export const mlflowRunName: FlagSpec = { flags: '--mlflow-run-name <name>', description: 'the run name' };
export const mlflowTags: FlagSpec = { flags: '--mlflow-tags <json>', description: 'extra run tags as a JSON object, e.g. \'{"team": "29"}\'' };
export const mlflowRunId: FlagSpec = { flags: '--mlflow-run-id <id>', description: 'the MLflow run to log the card files to' };
/** The registered model's name, the same flag wherever a command registers or addresses one. */
export const mlflowRegName: FlagSpec = { flags: '--mlflow-reg-name <name>', description: 'the registered model', formerly: ['--registered-name'] };
/** A version number of a registered model in MLflow's registry (1, 2, 3...). */
export const mlflowRegVersion: FlagSpec = {
  flags: '--mlflow-reg-version <n>',
  description: 'with --mlflow-reg-name: the registry version number',
  defaultText: 'the latest',
  parse: integer(1),
  formerly: ['--mlflow-model-version'],
};
export const mlflowAlias: FlagSpec = { flags: '--mlflow-alias <alias>', description: 'point this alias (e.g. champion) at the new version; it moves from any other version' };
export const mlflowStage: FlagSpec = {
  flags: '--mlflow-stage <stage>',
  description: 'move the new version to Staging, Production or Archived (stages are deprecated in MLflow; prefer --mlflow-alias)',
};
export const archiveExisting: FlagSpec = { flags: '--archive-existing', description: 'with a stage of Staging or Production: archive the versions already there' };

// Card content: every command that writes a card.
export const config: FlagSpec = {
  flags: '--config <file>',
  description: 'a partial Model Card (YAML or JSON, MCT schema v0.0.2) merged over the computed card',
  completes: 'file',
};
export const name: FlagSpec = { flags: '--name <name>', description: 'model name' };
/** The version of the model as the card (and a recorded run) names it, e.g. 1.2.0 or v2-beta. */
export const modelVersion: FlagSpec = { flags: '--model-version <version>', description: 'the model version the card names' };
const overview: FlagSpec = { flags: '--overview <text>', description: 'one-line description of the model' };
export const owner: FlagSpec = { flags: '--owner <"Name <contact>">', description: 'an owner (repeatable)', parse: collect };
export const license: FlagSpec = { flags: '--license <spdx-or-text>', description: 'licence: an SPDX identifier such as Apache-2.0, or the licence text' };
const metric: FlagSpec = {
  flags: '--metric <type=value[@slice]>',
  description: 'a performance metric with a numeric value (repeatable), e.g. accuracy=0.98 or f1=0.97@Adelie',
  parse: metricValue,
};
const useCase: FlagSpec = { flags: '--use-case <text>', description: 'an intended use case (repeatable; replaces the defaults)', parse: collect };
const user: FlagSpec = { flags: '--user <text>', description: 'an intended user (repeatable; replaces the defaults)', parse: collect };
const limitation: FlagSpec = { flags: '--limitation <text>', description: 'a known limitation (repeatable; replaces the defaults)', parse: collect };
export const lang: FlagSpec = { flags: '--lang <lang>', description: 'language of the card texts and labels', choices: LANGUAGES, default: 'en' };

// Card files: what a command that writes a card calls them and how the Markdown carries images.
const outputName: FlagSpec = { flags: '--output-name <name>', description: 'file name of the card, without extension (default: from the model)' };
export const force: FlagSpec = { flags: '--force', description: 'overwrite card files that already exist' };
export const inlineImages: FlagSpec = {
  flags: '--inline-images',
  description: 'embed images in the Markdown as base64 (GitHub and the Hugging Face Hub do not show them); default: image files beside it',
};
export const CARD_FILE_FLAGS: readonly FlagSpec[] = [outputName, force, inlineImages];

/** The card flags of commands that compose a card from defaults, `--config` and flags. */
export const CARD_FLAGS: readonly FlagSpec[] = [config, name, modelVersion, overview, owner, license, metric, useCase, user, limitation, lang, ...CARD_FILE_FLAGS];
