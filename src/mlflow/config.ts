/**
 * Where MLflow is and how to talk to it, read from the same environment variables as MLflow's
 * Python client, then overridden by the command-line flags (`--mlflow-uri`, `--mlflow-experiment`).
 *
 * Secrets (password, token) live only in `credentials`; `describeConfig` is the one way to show a
 * configuration to a person, and it never includes them.
 */
import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { redactSecrets, registerBasicCredentials, registerSecret } from '../redact.js';
import { MlflowConfigError } from './errors.js';

export interface RetryPolicy {
  /** Retries after the first attempt (`MLFLOW_HTTP_REQUEST_MAX_RETRIES`, default 7, below 10). */
  maxRetries: number;
  /** Seconds; retry n waits `factor × 2^(n−1)` (`MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR`, default 2). */
  backoffFactor: number;
  /** Up to this many random seconds added to each wait (`MLFLOW_HTTP_REQUEST_BACKOFF_JITTER`, default 1). */
  backoffJitter: number;
  /** No backoff wait is longer than this many seconds (`Retry-After` is honoured up to 120 s). */
  backoffMax: number;
  /** Wait what a 429/503 `Retry-After` header asks (`MLFLOW_HTTP_RESPECT_RETRY_AFTER_HEADER`, default true). */
  respectRetryAfter: boolean;
}

export type Credentials =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string };

export interface TlsOptions {
  /** `MLFLOW_TRACKING_INSECURE_TLS`: do not verify the server certificate. */
  insecure: boolean;
  /** `MLFLOW_TRACKING_SERVER_CERT_PATH`: a CA bundle (PEM) to verify the server with. */
  caCertPath: string | undefined;
  /** `MLFLOW_TRACKING_CLIENT_CERT_PATH`: a PEM file with the client certificate and its key. */
  clientCertPath: string | undefined;
}

export interface MlflowConfig {
  /** The tracking URI without any user-info; undefined when nothing was configured. */
  trackingUri: string | undefined;
  experimentName: string | undefined;
  experimentId: string | undefined;
  /** `MODEL_VERSION` (the seed scripts' variable): the model version to record when `--model-version` is not given. */
  modelVersion: string | undefined;
  credentials: Credentials;
  tls: TlsOptions;
  retry: RetryPolicy;
  /** Per-request timeout in milliseconds (`MLFLOW_HTTP_REQUEST_TIMEOUT` seconds, default 120; `--timeout`). */
  timeoutMs: number;
  /** With `--timeout`: no request, retries included, goes on past this many milliseconds. */
  deadlineMs: number | undefined;
  /** `MLFLOW_WORKSPACE`, sent as `X-MLFLOW-WORKSPACE` to servers with workspaces enabled. */
  workspace: string | undefined;
}

/** Command-line flags; each one, when given, wins over its environment variable. */
export interface ConfigOverrides {
  /** `--mlflow-uri` */
  mlflowUri?: string | undefined;
  /** `--mlflow-experiment`: an experiment name; replaces both MLFLOW_EXPERIMENT_NAME and _ID. */
  mlflowExperiment?: string | undefined;
  /** `--timeout <seconds>`: the longest a request may take, retries and their waits included. */
  timeoutSeconds?: number | undefined;
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** The INI file with `[mlflow]` credentials; defaults to `~/.mlflow/credentials` as in MLflow. */
  credentialsFile?: string;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 7,
  backoffFactor: 2,
  backoffJitter: 1,
  backoffMax: 120,
  respectRetryAfter: true,
};
export const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_RETRIES_LIMIT = 10;
const MAX_BACKOFF_FACTOR = 120;

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function parseBoolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = envValue(env, name);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  throw new MlflowConfigError(`${name} must be true or false, not "${value}"`, {
    hint: `set ${name}=true, ${name}=false or unset it`,
  });
}

function parseNumber(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  check: { integer?: boolean; min: number; below?: number },
): number {
  const value = envValue(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  const bad =
    !Number.isFinite(parsed) ||
    (check.integer === true && !Number.isInteger(parsed)) ||
    parsed < check.min ||
    (check.below !== undefined && parsed >= check.below);
  if (bad) {
    const range = check.below === undefined ? `at least ${check.min}` : `from ${check.min} to below ${check.below}`;
    throw new MlflowConfigError(`${name} must be ${check.integer ? 'an integer' : 'a number'} ${range}, not "${value}"`, {
      hint: `fix or unset ${name}`,
    });
  }
  return parsed;
}

/** Reads `[mlflow]` `mlflow_tracking_username` / `mlflow_tracking_password` from MLflow's credentials file. */
function readCredentialsFile(path: string): { username?: string; password?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  const found: { username?: string; password?: string } = {};
  let inMlflowSection = false;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      inMlflowSection = section[1]?.trim() === 'mlflow';
      continue;
    }
    if (!inMlflowSection) continue;
    const pair = /^([^=:]+)[=:](.*)$/.exec(line);
    if (!pair) continue;
    const key = pair[1]?.trim().toLowerCase();
    const value = pair[2]?.trim() ?? '';
    if (key === 'mlflow_tracking_username') found.username = value;
    if (key === 'mlflow_tracking_password') found.password = value;
  }
  return found;
}

/** Splits `scheme://user:pass@host/...` into the URI without user-info and the user-info. */
function splitUserInfo(uri: string): { uri: string; username?: string; password?: string } {
  if (!/^https?:\/\//i.test(uri)) return { uri };
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    throw new MlflowConfigError(`the tracking URI "${redactUri(uri)}" is not a valid URL`, {
      hint: 'use the form http://host:port or https://host/path',
    });
  }
  if (parsed.username === '' && parsed.password === '') return { uri };
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { uri: parsed.toString().replace(/\/$/, uri.endsWith('/') ? '/' : ''), username, password };
}

/** The URI with any `user:password@` replaced by `***@`, safe to print. */
export function redactUri(uri: string): string {
  return redactSecrets(uri);
}

/**
 * Builds the configuration: environment first (as MLflow's Python client reads it), then flags.
 * Throws `MlflowConfigError` for values MLflow itself would refuse.
 */
export function loadMlflowConfig(overrides: ConfigOverrides = {}, options: LoadConfigOptions = {}): MlflowConfig {
  const env = options.env ?? process.env;
  const rawUri = overrides.mlflowUri?.trim() || envValue(env, 'MLFLOW_TRACKING_URI');
  const { uri: trackingUri, username: uriUser, password: uriPassword } =
    rawUri === undefined ? { uri: undefined } : splitUserInfo(rawUri);

  const experimentFlag = overrides.mlflowExperiment?.trim();
  // MLFLOW_EXPERIMENT is the seed scripts' name for it.
  const experimentName = experimentFlag || envValue(env, 'MLFLOW_EXPERIMENT_NAME') || envValue(env, 'MLFLOW_EXPERIMENT');
  const experimentId = experimentFlag ? undefined : envValue(env, 'MLFLOW_EXPERIMENT_ID');

  const fileCreds = readCredentialsFile(options.credentialsFile ?? join(homedir(), '.mlflow', 'credentials'));
  const username = envValue(env, 'MLFLOW_TRACKING_USERNAME') ?? fileCreds.username ?? uriUser;
  const password = envValue(env, 'MLFLOW_TRACKING_PASSWORD') ?? fileCreds.password ?? uriPassword;
  const token = envValue(env, 'MLFLOW_TRACKING_TOKEN');
  if (username !== undefined && password !== undefined) registerBasicCredentials(username, password);
  registerSecret(password);
  registerSecret(token);
  // As in MLflow's Python client: username and password together win over a token.
  const credentials: Credentials =
    username !== undefined && password !== undefined
      ? { kind: 'basic', username, password }
      : token !== undefined
        ? { kind: 'bearer', token }
        : { kind: 'none' };

  const tls: TlsOptions = {
    insecure: parseBoolean(env, 'MLFLOW_TRACKING_INSECURE_TLS', false),
    caCertPath: envValue(env, 'MLFLOW_TRACKING_SERVER_CERT_PATH'),
    clientCertPath: envValue(env, 'MLFLOW_TRACKING_CLIENT_CERT_PATH'),
  };
  if (tls.insecure && tls.caCertPath !== undefined) {
    throw new MlflowConfigError(
      'MLFLOW_TRACKING_INSECURE_TLS and MLFLOW_TRACKING_SERVER_CERT_PATH cannot both be set',
      { hint: 'verify the server with the CA bundle, or skip verification, not both' },
    );
  }

  const retry: RetryPolicy = {
    maxRetries: parseNumber(env, 'MLFLOW_HTTP_REQUEST_MAX_RETRIES', DEFAULT_RETRY_POLICY.maxRetries, {
      integer: true,
      min: 0,
      below: MAX_RETRIES_LIMIT,
    }),
    backoffFactor: parseNumber(env, 'MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR', DEFAULT_RETRY_POLICY.backoffFactor, {
      min: 0,
      below: MAX_BACKOFF_FACTOR,
    }),
    backoffJitter: parseNumber(env, 'MLFLOW_HTTP_REQUEST_BACKOFF_JITTER', DEFAULT_RETRY_POLICY.backoffJitter, {
      min: 0,
    }),
    backoffMax: DEFAULT_RETRY_POLICY.backoffMax,
    respectRetryAfter: parseBoolean(env, 'MLFLOW_HTTP_RESPECT_RETRY_AFTER_HEADER', true),
  };
  const envTimeout = parseNumber(env, 'MLFLOW_HTTP_REQUEST_TIMEOUT', DEFAULT_TIMEOUT_MS / 1000, { min: 0.001 });
  const flagTimeout = overrides.timeoutSeconds;
  if (flagTimeout !== undefined && !(Number.isFinite(flagTimeout) && flagTimeout > 0)) {
    throw new MlflowConfigError(`--timeout must be a number of seconds above 0, not "${flagTimeout}"`, { hint: 'e.g. --timeout 30' });
  }
  const timeoutSeconds = flagTimeout === undefined ? envTimeout : Math.min(envTimeout, flagTimeout);

  return {
    trackingUri,
    experimentName,
    experimentId,
    modelVersion: envValue(env, 'MODEL_VERSION'),
    credentials,
    tls,
    retry,
    timeoutMs: Math.round(timeoutSeconds * 1000),
    deadlineMs: flagTimeout === undefined ? undefined : Math.round(flagTimeout * 1000),
    workspace: envValue(env, 'MLFLOW_WORKSPACE'),
  };
}

/** A printable view of the configuration: which credentials are used, never what they are. */
export function describeConfig(config: MlflowConfig): Record<string, unknown> {
  const auth =
    config.credentials.kind === 'basic'
      ? `basic (user ${config.credentials.username}, password hidden)`
      : config.credentials.kind === 'bearer'
        ? 'bearer token (hidden)'
        : 'none';
  return {
    trackingUri: config.trackingUri === undefined ? '(not set)' : redactUri(config.trackingUri),
    experimentName: config.experimentName,
    experimentId: config.experimentId,
    auth,
    tls: config.tls.insecure ? 'not verified' : config.tls.caCertPath ? `CA ${config.tls.caCertPath}` : 'system CAs',
    clientCertificate: config.tls.clientCertPath,
    timeoutSeconds: config.timeoutMs / 1000,
    maxRetries: config.retry.maxRetries,
    backoffFactor: config.retry.backoffFactor,
    workspace: config.workspace,
  };
}

/** Who records a run (`mlflow.user`), as MLflow's `getpass.getuser()`: the login name, else `USER`. */
export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
