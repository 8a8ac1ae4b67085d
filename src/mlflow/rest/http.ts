/**
 * The one place where mlflow-mct speaks HTTP to MLflow: authentication, timeouts, retries and
 * the decoding of every answer into a value or a typed error (`http-errors.ts`), over an
 * injectable `Transport` (`transport.ts`; axios by default).
 *
 * Retries follow MLflow's Python client (`mlflow/utils/rest_utils.py`): statuses 408, 429, 500,
 * 502, 503 and 504 and dropped or refused connections are retried up to `maxRetries` times, for
 * every method; retry n waits `backoffFactor × 2^(n−1)` seconds (none before the first retry),
 * capped at `backoffMax`, plus up to `backoffJitter` random seconds, or what a 429/503
 * `Retry-After` header asks (at most 120 s). A connection refused by this machine (a loopback
 * address) means no server is listening: it is tried twice more within two seconds, not for
 * minutes. Because POSTs are retried, a request may be applied twice when an answer is lost:
 * callers that create things pass a `recover` probe, run before every retry, that finds what an
 * earlier attempt already did (see `base.ts`).
 */
import { replaceFile } from '../../io/atomic.js';
import type { Credentials, RetryPolicy, TlsOptions } from '../config.js';
import { redactUri } from '../config.js';
import { MlflowApiError, MlflowConfigError, type RequestDescription } from '../errors.js';
import { packageVersion } from '../../paths.js';
import { classifyNetworkError, connectionError, decodeJson, errorFor, isLoopbackHost, type ErrorContext } from './http-errors.js';
import { axiosTransport, type HttpMethod, type Transport, type TransportRequest, type TransportResponse } from './transport.js';

export type { HttpMethod, Transport, TransportRequest, TransportResponse } from './transport.js';
export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface HttpClientOptions {
  /** The tracking server's base URL (scheme, host, optional path), without user-info. */
  baseUrl: string;
  credentials: Credentials;
  tls: TlsOptions;
  retry: RetryPolicy;
  timeoutMs: number;
  /** No request, retries and waits included, goes on past this many milliseconds (`--timeout`). */
  deadlineMs?: number | undefined;
  workspace?: string | undefined;
  /** Told about each retry before its wait (the CLI prints one line). Never sees credentials. */
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /** Sends the requests; default: axios with the TLS options and timeout above. */
  transport?: Transport | undefined;
  /** Waits between attempts; default: a timer. Tests record the delays instead of waiting. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** The jitter's random source, in [0, 1). */
  random?: (() => number) | undefined;
  /** The clock the deadline is measured with (Unix ms). */
  now?: (() => number) | undefined;
}

export interface RetryEvent {
  request: RequestDescription;
  /** The attempt that failed (1-based). */
  attempt: number;
  /** How many attempts the request may take in all. */
  maxAttempts: number;
  reason: string;
  delayMs: number;
}

export interface JsonRequest<T> {
  method: HttpMethod;
  /** Path under the base URL, e.g. `/api/2.0/mlflow/runs/get`, or an absolute URL (artifact proxies on another host). */
  path: string;
  query?: Record<string, QueryValue>;
  /** Sent as JSON; GET requests carry their parameters in `query` instead. */
  body?: unknown;
  /**
   * Run before each retry. It looks for the effect of an earlier attempt whose answer was lost
   * (a run already created, an output already linked); a value it returns ends the request.
   */
  recover?: () => Promise<T | undefined>;
}

/** What the client did, for benchmarks and diagnostics. */
export interface HttpStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  retries: number;
}

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const RETRY_AFTER_STATUSES = new Set([413, 429, 503]);
/** A `Retry-After` longer than this is cut to it, so a CLI never sleeps for hours. */
const RETRY_AFTER_MAX_SECONDS = 120;
/** Retries, and the longest wait, for a connection refused by this machine. */
const LOOPBACK_REFUSED_RETRIES = 2;
const LOOPBACK_REFUSED_MAX_DELAY_MS = 1000;
const USER_AGENT = `mlflow-mct/${packageVersion} (node ${process.versions.node})`;

function authorizationHeader(credentials: Credentials): string | undefined {
  switch (credentials.kind) {
    case 'basic':
      return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
    case 'bearer':
      return `Bearer ${credentials.token}`;
    case 'none':
      return undefined;
  }
}

/** @internal exported for its unit tests only */
export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value as readonly string[]) params.append(key, item);
    } else {
      params.append(key, String(value));
    }
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * `Retry-After` in seconds (a number of seconds or an HTTP date), or undefined.
 * @internal exported for its unit tests only
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/**
 * The wait before retry `retryNumber` (1-based), in milliseconds, as urllib3 computes it.
 * @internal exported for its unit tests only
 */
export function backoffDelayMs(policy: RetryPolicy, retryNumber: number, random = Math.random): number {
  if (retryNumber <= 1) return 0;
  const seconds = Math.min(policy.backoffMax, policy.backoffFactor * 2 ** (retryNumber - 1) + random() * policy.backoffJitter);
  return Math.round(seconds * 1000);
}

function isAbsolute(pathOrUrl: string): boolean {
  return /^https?:\/\//i.test(pathOrUrl);
}

function timerSleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

export class MlflowHttpClient {
  readonly baseUrl: string;
  readonly stats: HttpStats = { requests: 0, retries: 0 };
  private readonly transport: Transport;
  private readonly headers: Record<string, string>;
  private readonly retry: RetryPolicy;
  private readonly errors: ErrorContext;
  private readonly onRetry: HttpClientOptions['onRetry'];
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly deadlineMs: number | undefined;

  constructor(options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.retry = options.retry;
    this.onRetry = options.onRetry;
    this.sleep = options.sleep ?? timerSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.deadlineMs = options.deadlineMs;
    this.transport = options.transport ?? axiosTransport({ tls: options.tls, timeoutMs: options.timeoutMs });
    this.headers = { 'User-Agent': USER_AGENT };
    const authorization = authorizationHeader(options.credentials);
    if (authorization) this.headers.Authorization = authorization;
    if (options.workspace) this.headers['X-MLFLOW-WORKSPACE'] = options.workspace;
    this.errors = { sendsCredentials: authorization !== undefined, timeoutMs: options.timeoutMs };
  }

  /** An absolute URL for a path on the tracking server (an absolute URL stays as it is). */
  url(path: string, query?: Record<string, QueryValue>): string {
    const base = isAbsolute(path) ? path : `${this.baseUrl}${path.startsWith('/') ? path : `/${path}`}`;
    return `${base}${buildQuery(query)}`;
  }

  /** Sends a JSON request and returns the decoded body (`{}` for an empty answer). */
  async json<T>(request: JsonRequest<T>): Promise<T> {
    const text = request.body === undefined ? undefined : JSON.stringify(request.body);
    const description = isAbsolute(request.path)
      ? this.describeUrl(request.method, request.path)
      : this.describe(request.method, request.path);
    return this.execute<T>(
      description,
      {
        method: request.method,
        url: this.url(request.path, request.query),
        headers: text === undefined ? {} : { 'Content-Type': 'application/json' },
        body: text === undefined ? undefined : { text },
      },
      (response) => decodeJson<T>(response, description),
      request.recover,
    );
  }

  /** GET a plain-text resource such as `/version`; undefined when the server has none (404). */
  async text(path: string): Promise<string | undefined> {
    return this.execute(
      this.describe('GET', path),
      { method: 'GET', url: this.url(path), headers: {} },
      // Flask labels /version text/html; only an actual page means "not MLflow".
      (response) => (response.body.trim().startsWith('<') ? undefined : response.body.trim()),
      undefined,
      (response) => (response.status === 404 ? { value: undefined } : undefined),
    );
  }

  /** PUT a local file as the raw request body (MLflow's artifact proxy upload); a retry sends it whole again. */
  async upload(url: string, localPath: string, size: number, contentType: string): Promise<void> {
    const description = this.describeUrl('PUT', url);
    await this.execute(
      description,
      { method: 'PUT', url, headers: { 'Content-Type': contentType }, body: { file: localPath, size } },
      (response) => decodeJson<unknown>(response, description),
    );
  }

  /**
   * GET a file into `destination`. The bytes go to a temp file beside it that is renamed into
   * place only when complete, so a dropped download leaves nothing half-written.
   */
  async download(url: string, destination: string): Promise<void> {
    await replaceFile(destination, (temp) =>
      this.execute(this.describeUrl('GET', url), { method: 'GET', url, headers: {}, saveTo: temp }, () => undefined),
    );
  }

  /** Lets go of kept-alive connections so a CLI process can exit at once. */
  close(): void {
    this.transport.close();
  }

  private describe(method: HttpMethod, path: string): RequestDescription {
    return { method, baseUrl: redactUri(this.baseUrl), path };
  }

  private describeUrl(method: HttpMethod, url: string): RequestDescription {
    const parsed = new URL(url);
    return { method, baseUrl: redactUri(`${parsed.protocol}//${parsed.host}`), path: parsed.pathname };
  }

  /**
   * The one request path: send, retry what is worth retrying, decode. `decodeSpecial` may turn a
   * final non-2xx answer into a value instead of an error.
   */
  private async execute<T>(
    description: RequestDescription,
    request: TransportRequest,
    onSuccess: (response: TransportResponse) => T,
    recover?: () => Promise<T | undefined>,
    decodeSpecial?: (response: TransportResponse) => { value: T } | undefined,
  ): Promise<T> {
    const sent: TransportRequest = { ...request, headers: { ...this.headers, ...request.headers } };
    const maxAttempts = this.retry.maxRetries + 1;
    const giveUpAt = this.deadlineMs === undefined ? Infinity : this.now() + this.deadlineMs;
    const inTime = (delayMs: number) => this.now() + delayMs < giveUpAt;
    for (let attempt = 1; ; attempt += 1) {
      if (attempt > 1 && recover) {
        const recovered = await recover();
        if (recovered !== undefined) return recovered;
      }
      let response: TransportResponse;
      this.stats.requests += 1;
      try {
        response = await this.transport.send(sent);
      } catch (error) {
        if (error instanceof MlflowApiError || error instanceof MlflowConfigError) throw error;
        const failure = classifyNetworkError(error);
        const refusedHere = failure.code === 'ECONNREFUSED' && isLoopbackHost(sent.url);
        const attempts = refusedHere ? Math.min(maxAttempts, LOOPBACK_REFUSED_RETRIES + 1) : maxAttempts;
        const backoff = backoffDelayMs(this.retry, attempt, this.random);
        const delay = refusedHere ? Math.min(backoff, LOOPBACK_REFUSED_MAX_DELAY_MS) : backoff;
        if (failure.retryable && attempt < attempts && inTime(delay)) {
          await this.waitBeforeRetry(description, attempt, attempts, failure.code ?? failure.detail, delay);
          continue;
        }
        throw connectionError(description, failure, attempt, this.errors);
      }
      if (response.status >= 200 && response.status < 300) return onSuccess(response);
      if (RETRYABLE_STATUSES.has(response.status) && attempt < maxAttempts) {
        const retryAfter =
          this.retry.respectRetryAfter && RETRY_AFTER_STATUSES.has(response.status)
            ? parseRetryAfter(response.headers['retry-after'])
            : undefined;
        const delay =
          retryAfter !== undefined ? Math.round(Math.min(retryAfter, RETRY_AFTER_MAX_SECONDS) * 1000) : backoffDelayMs(this.retry, attempt, this.random);
        if (inTime(delay)) {
          await this.waitBeforeRetry(description, attempt, maxAttempts, `HTTP ${response.status}`, delay);
          continue;
        }
      }
      const special = decodeSpecial?.(response);
      if (special) return special.value;
      throw errorFor(response, description, attempt, this.errors);
    }
  }

  private async waitBeforeRetry(request: RequestDescription, attempt: number, maxAttempts: number, reason: string, delayMs: number): Promise<void> {
    this.stats.retries += 1;
    this.onRetry?.({ request, attempt, maxAttempts, reason, delayMs });
    await this.sleep(delayMs);
  }
}
