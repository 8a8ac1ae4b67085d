import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT_MS } from '../mlflow/config.js';

/**
 * The environment variables mlflow-mct reads, and what its exit codes mean: the text of
 * `mlflow-mct help environment`, `mlflow-mct help exit-codes` and of each command's help.
 */

export const ENVIRONMENT = {
  MLFLOW_TRACKING_URI: 'the tracking server (http[s]://...) or local store (file:<dir>) when --mlflow-uri is not given; unset: ./mlruns',
  MLFLOW_TRACKING_USERNAME: 'HTTP basic auth user (also read from ~/.mlflow/credentials or the URI)',
  MLFLOW_TRACKING_PASSWORD: 'HTTP basic auth password; never printed',
  MLFLOW_TRACKING_TOKEN: 'bearer token, used when no username and password are set; never printed',
  MLFLOW_TRACKING_INSECURE_TLS: 'true: do not verify the server certificate (default: false)',
  MLFLOW_TRACKING_SERVER_CERT_PATH: 'a CA bundle (PEM) to verify the server certificate with',
  MLFLOW_TRACKING_CLIENT_CERT_PATH: 'a PEM file with a client certificate and its key',
  MLFLOW_WORKSPACE: 'the workspace, for servers with workspaces enabled',
  MLFLOW_HTTP_REQUEST_MAX_RETRIES: `retries after a failed request, below 10 (default: ${DEFAULT_RETRY_POLICY.maxRetries})`,
  MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: `seconds; retry n waits factor x 2^(n-1), at most ${DEFAULT_RETRY_POLICY.backoffMax} s (default: ${DEFAULT_RETRY_POLICY.backoffFactor})`,
  MLFLOW_HTTP_REQUEST_BACKOFF_JITTER: `up to this many random seconds added to each wait (default: ${DEFAULT_RETRY_POLICY.backoffJitter})`,
  MLFLOW_HTTP_REQUEST_TIMEOUT: `seconds one request may take (default: ${DEFAULT_TIMEOUT_MS / 1000})`,
  MLFLOW_HTTP_RESPECT_RETRY_AFTER_HEADER: 'wait what a 429 or 503 Retry-After header asks (default: true)',
  MLFLOW_EXPERIMENT_NAME: 'the experiment when --mlflow-experiment is not given',
  MLFLOW_EXPERIMENT_ID: 'the experiment, by id, when neither --mlflow-experiment nor MLFLOW_EXPERIMENT_NAME is given',
  MLFLOW_EXPERIMENT: 'train-penguins: the experiment when neither --mlflow-experiment nor MLFLOW_EXPERIMENT_NAME is given (as mlops-train)',
  MODEL_VERSION: 'train-penguins: the model version when --model-version is not given (default: 0.1.0)',
  USER: "recorded as the run's user (mlflow.user)",
  HF_ENDPOINT: 'the Hugging Face Hub to resolve --model revisions from (default: https://huggingface.co)',
  HF_TOKEN: 'a Hugging Face token sent to the Hub (or HUGGING_FACE_HUB_TOKEN); never printed',
  HF_HUB_OFFLINE: '1: never contact the Hub (a --model then needs --revision)',
  NO_COLOR: 'any value: no colour (https://no-color.org)',
  FORCE_COLOR: 'colour even when stderr is not a terminal; 0 or false: no colour',
} as const;

export type EnvironmentVariable = keyof typeof ENVIRONMENT;

const OUTPUT: readonly EnvironmentVariable[] = ['NO_COLOR', 'FORCE_COLOR'];

/** Read by every command that talks to MLflow. */
const MLFLOW_CONNECTION: readonly EnvironmentVariable[] = [
  'MLFLOW_TRACKING_URI',
  'MLFLOW_TRACKING_USERNAME',
  'MLFLOW_TRACKING_PASSWORD',
  'MLFLOW_TRACKING_TOKEN',
  'MLFLOW_TRACKING_INSECURE_TLS',
  'MLFLOW_TRACKING_SERVER_CERT_PATH',
  'MLFLOW_TRACKING_CLIENT_CERT_PATH',
  'MLFLOW_WORKSPACE',
  'MLFLOW_HTTP_REQUEST_MAX_RETRIES',
  'MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR',
  'MLFLOW_HTTP_REQUEST_BACKOFF_JITTER',
  'MLFLOW_HTTP_REQUEST_TIMEOUT',
  'MLFLOW_HTTP_RESPECT_RETRY_AFTER_HEADER',
];

export const ENV = {
  /** Commands that only read and write local files. */
  local: OUTPUT,
  /** Commands that read or change what MLflow holds. */
  mlflow: [...MLFLOW_CONNECTION, ...OUTPUT],
  /** Commands that record a run. */
  recording: [...MLFLOW_CONNECTION, 'MLFLOW_EXPERIMENT_NAME', 'MLFLOW_EXPERIMENT_ID', 'USER', ...OUTPUT],
} satisfies Record<string, readonly EnvironmentVariable[]>;

export type ExitMeanings = { readonly 1?: string; readonly 2?: string };

const EXIT_CODES = {
  0: 'success',
  1: 'runtime failure: MLflow or the network failed, a file could not be written',
  2: 'bad usage or bad input: an unknown or invalid flag, a missing or malformed file',
} as const;

const EXIT_KINDS = { 1: 'runtime failure', 2: 'bad usage or bad input' } as const;

function rows(entries: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...entries.map(([key]) => key.length));
  return entries.map(([key, text]) => `  ${key.padEnd(width)}  ${text}`);
}

/** The "Exit codes:" and "Environment:" sections of a command's help. */
export function helpSections(exitCodes: ExitMeanings, environment: readonly EnvironmentVariable[]): string {
  const codes = [
    ['0', EXIT_CODES[0]],
    ...([1, 2] as const).map((code) => [String(code), exitCodes[code] === undefined ? EXIT_CODES[code] : `${EXIT_KINDS[code]}: ${exitCodes[code]}`] as const),
  ] as const;
  return [
    'Exit codes:',
    ...rows(codes),
    '',
    'Environment:',
    ...rows(environment.map((variable) => [variable, ENVIRONMENT[variable]] as const)),
    '',
    'More: mlflow-mct help environment, mlflow-mct help exit-codes, mlflow-mct help json',
  ].join('\n');
}

export function environmentTopic(): string {
  return [
    'Environment variables read by mlflow-mct (a flag, when given, wins over its variable):',
    '',
    ...rows(Object.entries(ENVIRONMENT)),
    '',
    'MLflow reads the same MLFLOW_* variables; credentials and tokens are never printed.',
  ].join('\n');
}

export function exitCodesTopic(byCommand: ReadonlyArray<readonly [string, ExitMeanings]>): string {
  const specific = byCommand.flatMap(([command, meanings]) =>
    ([1, 2] as const).filter((code) => meanings[code] !== undefined).map((code) => [`${command} ${code}`, meanings[code] as string] as const),
  );
  return [
    'Exit codes of every mlflow-mct command:',
    '',
    ...rows(Object.entries(EXIT_CODES)),
    '',
    'What they mean for particular commands:',
    '',
    ...rows(specific),
    '',
    'An error is one line on stderr, "mlflow-mct: error: <what> — <how to fix it>"; --verbose adds the stack trace.',
  ].join('\n');
}
