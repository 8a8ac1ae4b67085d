/**
 * The one place where mlflow-mct speaks HTTP to MLflow: the axios instance, authentication, TLS,
 * timeouts, retries and the decoding of every answer into a value or a typed error.
 *
 * Retries follow MLflow's Python client (`mlflow/utils/rest_utils.py`): statuses 408, 429, 500,
 * 502, 503 and 504 and dropped or refused connections are retried up to `maxRetries` times, for
 * every method; retry n waits `backoffFactor × 2^(n−1)` seconds (none before the first retry),
 * capped at `backoffMax`, plus up to `backoffJitter` random seconds, or what a 429/503
 * `Retry-After` header asks (at most 120 s). Because POSTs are retried, a request may be applied twice when an answer is lost:
 * callers that create things pass a `recover` probe, run before every retry, that finds what an
 * earlier attempt already did (see `RestStore`).
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import type { Credentials, RetryPolicy, TlsOptions } from '../config.js';
import { redactUri } from '../config.js';
import {
  MlflowAlreadyExistsError,
  MlflowApiError,
  MlflowAuthError,
  MlflowConfigError,
  MlflowConnectionError,
  MlflowEndpointError,
  MlflowInvalidRequestError,
  MlflowNotFoundError,
  MlflowTimeoutError,
  describeRequest,
  type RequestDescription,
} from '../errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface HttpClientOptions {
  /** The tracking server's base URL (scheme, host, optional path), without user-info. */
  baseUrl: string;
  credentials: Credentials;
  tls: TlsOptions;
  retry: RetryPolicy;
  timeoutMs: number;
  workspace?: string | undefined;
  /** Told about each retry before its wait, e.g. to print it with --verbose. Never sees credentials. */
  onRetry?: ((event: RetryEvent) => void) | undefined;
}

export interface RetryEvent {
  request: RequestDescription;
  /** The attempt that failed (1-based). */
  attempt: number;
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

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A transport failure worth another attempt, and the words for it. */
interface NetworkFailure {
  code: string | undefined;
  retryable: boolean;
  timeout: boolean;
  detail: string;
}

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const RETRY_AFTER_STATUSES = new Set([413, 429, 503]);
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const ERROR_SNIPPET_LENGTH = 400;
/** A `Retry-After` longer than this is cut to it, so a CLI never sleeps for hours. */
const RETRY_AFTER_MAX_SECONDS = 120;

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
const USER_AGENT = `mlflow-mct/${packageVersion()} (node ${process.versions.node})`;

function readPem(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new MlflowConfigError(`cannot read ${variable} file ${path}: ${(error as Error).message}`, {
      hint: `point ${variable} at a readable PEM file`,
    });
  }
}

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

function firstLine(text: string): string {
  const line = text.trim().split(/\r?\n/, 1)[0] ?? '';
  return line.length > ERROR_SNIPPET_LENGTH ? `${line.slice(0, ERROR_SNIPPET_LENGTH)}…` : line;
}

function looksLikeHtml(response: RawResponse): boolean {
  const type = response.headers['content-type'] ?? '';
  return type.includes('text/html') || /^\s*<(!doctype|html|head|body)/i.test(response.body);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `Retry-After` in seconds (a number of seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/** The wait before retry `retryNumber` (1-based), in milliseconds, as urllib3 computes it. */
export function backoffDelayMs(policy: RetryPolicy, retryNumber: number, random = Math.random): number {
  if (retryNumber <= 1) return 0;
  const seconds = Math.min(policy.backoffMax, policy.backoffFactor * 2 ** (retryNumber - 1) + random() * policy.backoffJitter);
  return Math.round(seconds * 1000);
}

function classifyNetworkError(error: unknown): NetworkFailure {
  const err = error as { code?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  const message = err.message ?? String(error);
  const timeout = code === 'ETIMEDOUT' || code === 'ECONNABORTED' || /timeout/i.test(message);
  const retryable = timeout || (code !== undefined && RETRYABLE_NETWORK_CODES.has(code)) || /socket hang up/i.test(message);
  return { code, retryable, timeout, detail: message };
}

function isAbsolute(pathOrUrl: string): boolean {
  return /^https?:\/\//i.test(pathOrUrl);
}

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

export class MlflowHttpClient {
  readonly baseUrl: string;
  readonly stats: HttpStats = { requests: 0, retries: 0 };
  private readonly axios: AxiosInstance;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly sendsCredentials: boolean;
  private readonly onRetry: HttpClientOptions['onRetry'];

  constructor(options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.retry = options.retry;
    this.timeoutMs = options.timeoutMs;
    this.onRetry = options.onRetry;
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const clientPem = options.tls.clientCertPath
      ? readPem(options.tls.clientCertPath, 'MLFLOW_TRACKING_CLIENT_CERT_PATH')
      : undefined;
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 16,
      rejectUnauthorized: !options.tls.insecure,
      ...(options.tls.caCertPath ? { ca: readPem(options.tls.caCertPath, 'MLFLOW_TRACKING_SERVER_CERT_PATH') } : {}),
      ...(clientPem ? { cert: clientPem, key: clientPem } : {}),
    });
    const headers: Record<string, string> = { 'User-Agent': USER_AGENT };
    const authorization = authorizationHeader(options.credentials);
    if (authorization) headers.Authorization = authorization;
    if (options.workspace) headers['X-MLFLOW-WORKSPACE'] = options.workspace;
    this.sendsCredentials = authorization !== undefined;
    this.axios = axios.create({
      headers,
      timeout: options.timeoutMs,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      // Redirects are reported, not followed: a POST silently turned into a GET loses data.
      maxRedirects: 0,
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
    });
  }

  /** An absolute URL for a path on the tracking server (an absolute URL stays as it is). */
  url(path: string, query?: Record<string, QueryValue>): string {
    const base = isAbsolute(path) ? path : `${this.baseUrl}${path.startsWith('/') ? path : `/${path}`}`;
    return `${base}${buildQuery(query)}`;
  }

  /** Sends a JSON request and returns the decoded body (`{}` for an empty answer). */
  async json<T>(request: JsonRequest<T>): Promise<T> {
    const url = this.url(request.path, request.query);
    const data = request.body === undefined ? undefined : JSON.stringify(request.body);
    const description = isAbsolute(request.path)
      ? this.describeUrl(request.method, request.path)
      : this.describe(request.method, request.path);
    return this.execute<T>(
      description,
      async () =>
        toRaw(
          await this.axios.request<Buffer>({
            method: request.method,
            url,
            data,
            responseType: 'arraybuffer',
            headers: data === undefined ? {} : { 'Content-Type': 'application/json' },
          }),
        ),
      (response) => this.decodeJson<T>(response, description),
      request.recover,
    );
  }

  /** GET a plain-text resource such as `/version`; undefined when the server has none (404). */
  async text(path: string): Promise<string | undefined> {
    const description = this.describe('GET', path);
    return this.execute(
      description,
      async () =>
        toRaw(await this.axios.request<Buffer>({ method: 'GET', url: this.url(path), responseType: 'arraybuffer' })),
      // Flask labels /version text/html; only an actual page means "not MLflow".
      (response) => (response.body.trim().startsWith('<') ? undefined : response.body.trim()),
      undefined,
      (response) => (response.status === 404 ? { value: undefined } : undefined),
    );
  }

  /** PUT a local file as the raw request body (MLflow's artifact proxy upload). */
  async upload(url: string, localPath: string, size: number, contentType: string): Promise<void> {
    const description = this.describeUrl('PUT', url);
    await this.execute(
      description,
      async () =>
        toRaw(
          await this.axios.request<Buffer>({
            method: 'PUT',
            url,
            // A fresh stream per attempt: a retried upload sends the whole file again.
            data: createReadStream(localPath),
            responseType: 'arraybuffer',
            headers: { 'Content-Type': contentType, 'Content-Length': String(size) },
          }),
        ),
      (response) => this.decodeJson<unknown>(response, description),
    );
  }

  /**
   * GET a file into `destination`. The bytes go to a temp file beside it that is renamed into
   * place only when complete, so a dropped download leaves nothing half-written.
   */
  async download(url: string, destination: string): Promise<void> {
    const description = this.describeUrl('GET', url);
    const temp = join(dirname(destination), `.tmp-${basename(destination)}.${randomBytes(4).toString('hex')}`);
    try {
      await this.execute(
        description,
        async () => {
          const response = await this.axios.request<Readable>({ method: 'GET', url, responseType: 'stream' });
          if (response.status >= 200 && response.status < 300) {
            await pipeline(response.data, createWriteStream(temp));
            return { status: response.status, headers: flatHeaders(response.headers), body: '' };
          }
          return { status: response.status, headers: flatHeaders(response.headers), body: await readText(response.data) };
        },
        () => undefined,
      );
      await rename(temp, destination);
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Lets go of kept-alive connections so a CLI process can exit at once. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private describe(method: HttpMethod, path: string): RequestDescription {
    return { method, baseUrl: redactUri(this.baseUrl), path };
  }

  private describeUrl(method: HttpMethod, url: string): RequestDescription {
    const parsed = new URL(url);
    return { method, baseUrl: redactUri(`${parsed.protocol}//${parsed.host}`), path: parsed.pathname };
  }

  /**
   * The retry loop shared by every kind of request. `decodeSpecial` may turn a final non-2xx
   * answer into a value instead of an error.
   */
  private async execute<T>(
    description: RequestDescription,
    send: () => Promise<RawResponse>,
    onSuccess: (response: RawResponse) => T,
    recover?: () => Promise<T | undefined>,
    decodeSpecial?: (response: RawResponse) => { value: T } | undefined,
  ): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      if (attempt > 1 && recover) {
        const recovered = await recover();
        if (recovered !== undefined) return recovered;
      }
      const canRetry = attempt <= this.retry.maxRetries;
      let response: RawResponse;
      this.stats.requests += 1;
      try {
        response = await send();
      } catch (error) {
        if (error instanceof MlflowApiError || error instanceof MlflowConfigError) throw error;
        const failure = classifyNetworkError(error);
        if (failure.retryable && canRetry) {
          await this.waitBeforeRetry(description, attempt, failure.code ?? failure.detail, undefined);
          continue;
        }
        throw this.connectionError(description, failure, attempt);
      }
      if (response.status >= 200 && response.status < 300) return onSuccess(response);
      if (RETRYABLE_STATUSES.has(response.status) && canRetry) {
        const retryAfter =
          this.retry.respectRetryAfter && RETRY_AFTER_STATUSES.has(response.status)
            ? parseRetryAfter(response.headers['retry-after'])
            : undefined;
        await this.waitBeforeRetry(description, attempt, `HTTP ${response.status}`, retryAfter);
        continue;
      }
      const special = decodeSpecial?.(response);
      if (special) return special.value;
      throw this.errorFor(response, description, attempt);
    }
  }

  private async waitBeforeRetry(
    request: RequestDescription,
    attempt: number,
    reason: string,
    retryAfterSeconds: number | undefined,
  ): Promise<void> {
    const delayMs =
      retryAfterSeconds !== undefined
        ? Math.round(Math.min(retryAfterSeconds, RETRY_AFTER_MAX_SECONDS) * 1000)
        : backoffDelayMs(this.retry, attempt);
    this.stats.retries += 1;
    this.onRetry?.({ request, attempt, reason, delayMs });
    await sleep(delayMs);
  }

  private decodeJson<T>(response: RawResponse, request: RequestDescription): T {
    if (response.body.trim() === '') return {} as T;
    const parsed = parseJson(response.body);
    if (parsed === undefined || typeof parsed !== 'object' || parsed === null) {
      throw new MlflowEndpointError(
        `${request.baseUrl} answered ${describeRequest(request)} with ${looksLikeHtml(response) ? 'an HTML page' : 'something that is not JSON'}, not MLflow's REST API`,
        {
          reason: 'not-mlflow',
          httpStatus: response.status,
          hint: 'check that MLFLOW_TRACKING_URI (or --mlflow-uri) is the MLflow server root, e.g. http://host:5000',
        },
      );
    }
    return parsed as T;
  }

  private connectionError(request: RequestDescription, failure: NetworkFailure, attempts: number): MlflowConnectionError {
    const where = request.baseUrl;
    const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
    const cause = Object.assign(new Error(failure.detail), { code: failure.code });
    const checkUri = 'check MLFLOW_TRACKING_URI (or --mlflow-uri) and that the MLflow server is running';
    if (failure.timeout) {
      return new MlflowTimeoutError(
        `MLflow at ${where} did not answer ${describeRequest(request)} within ${this.timeoutMs / 1000} s${tries}`,
        {
          code: failure.code,
          attempts,
          cause,
          hint: where.startsWith('https:')
            ? 'check the server and the scheme (a plain-HTTP server never finishes a TLS handshake), or raise MLFLOW_HTTP_REQUEST_TIMEOUT (seconds)'
            : 'check the server, or raise MLFLOW_HTTP_REQUEST_TIMEOUT (seconds)',
        },
      );
    }
    const code = failure.code ?? '';
    if (code === 'ECONNREFUSED') {
      return new MlflowConnectionError(`cannot connect to MLflow at ${where}: connection refused${tries}`, {
        code,
        attempts,
        cause,
        hint: checkUri,
      });
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return new MlflowConnectionError(`cannot find the host of ${where}`, { code, attempts, cause, hint: checkUri });
    }
    if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code) || /certificate/i.test(failure.detail)) {
      return new MlflowConnectionError(`the TLS certificate of ${where} could not be verified (${code || failure.detail})`, {
        code,
        attempts,
        cause,
        hint: 'set MLFLOW_TRACKING_SERVER_CERT_PATH to the CA bundle, or MLFLOW_TRACKING_INSECURE_TLS=true for a test server',
      });
    }
    if (code.startsWith('HPE_') || /wrong version number|packet length/i.test(failure.detail)) {
      return new MlflowConnectionError(`${where} did not answer with HTTP as expected (${code || failure.detail})`, {
        code,
        attempts,
        cause,
        hint: 'check the scheme of the tracking URI: http:// or https://',
      });
    }
    return new MlflowConnectionError(
      `the connection to MLflow at ${where} failed during ${describeRequest(request)}: ${code || failure.detail}${tries}`,
      { code, attempts, cause, hint: checkUri },
    );
  }

  /** The typed error for a final non-2xx answer. */
  private errorFor(response: RawResponse, request: RequestDescription, attempts: number): Error {
    const { status } = response;
    const parsed = parseJson(response.body) as { error_code?: unknown; message?: unknown } | undefined;
    const endpoint = describeRequest(request);
    if (parsed && typeof parsed === 'object' && typeof parsed.error_code === 'string') {
      const errorCode = parsed.error_code;
      const serverMessage = typeof parsed.message === 'string' && parsed.message.trim() !== '' ? firstLine(parsed.message) : errorCode;
      const options = { errorCode, httpStatus: status, request, attempts };
      const text = `${serverMessage} (${errorCode} from ${endpoint})`;
      switch (errorCode) {
        case 'RESOURCE_DOES_NOT_EXIST':
        case 'NOT_FOUND':
          return new MlflowNotFoundError(text, { ...options, hint: 'check the name or id' });
        case 'RESOURCE_ALREADY_EXISTS':
        case 'ALREADY_EXISTS':
          return new MlflowAlreadyExistsError(text, { ...options, hint: 'use another name, or use the existing one' });
        case 'INVALID_PARAMETER_VALUE':
        case 'BAD_REQUEST':
        case 'INVALID_STATE':
        case 'INVALID_REQUEST':
          return new MlflowInvalidRequestError(text, options);
        case 'UNAUTHENTICATED':
        case 'CUSTOMER_UNAUTHORIZED':
        case 'PERMISSION_DENIED':
          return this.authError(status, request, serverMessage);
        case 'ENDPOINT_NOT_FOUND':
          return this.missingEndpoint(request, status);
        default:
          return new MlflowApiError(`${text}${attempts > 1 ? ` after ${attempts} attempts` : ''}`, options);
      }
    }
    if (status >= 300 && status < 400) {
      const location = response.headers.location;
      return new MlflowEndpointError(
        `${request.baseUrl} redirected ${endpoint} to ${location ? redactUri(location) : 'another address'}`,
        {
          reason: 'not-mlflow',
          httpStatus: status,
          hint: 'set MLFLOW_TRACKING_URI (or --mlflow-uri) to the address the server redirects to',
        },
      );
    }
    if (status === 401) return this.authError(status, request, undefined);
    if (status === 403) {
      if (/invalid host header/i.test(response.body)) {
        return new MlflowEndpointError(
          `MLflow at ${request.baseUrl} refused the Host header of the request (HTTP 403, DNS-rebinding protection)`,
          {
            reason: 'host-rejected',
            httpStatus: status,
            hint: `start the server with --allowed-hosts "${new URL(request.baseUrl).host}" (or MLFLOW_SERVER_ALLOWED_HOSTS), or use the address it allows`,
          },
        );
      }
      if (/cross-origin/i.test(response.body)) {
        return new MlflowEndpointError(`MLflow at ${request.baseUrl} blocked the request as cross-origin (HTTP 403)`, {
          reason: 'cors-rejected',
          httpStatus: status,
          hint: 'add the origin to the server\'s --cors-allowed-origins',
        });
      }
      return this.authError(status, request, firstLine(response.body) || undefined);
    }
    if (status === 404 || status === 405) {
      if (response.body.trim() === '' && status === 404) return this.missingEndpoint(request, status);
      return new MlflowEndpointError(
        `${request.baseUrl} has no MLflow REST API at ${request.path} (HTTP ${status}${looksLikeHtml(response) ? ', an HTML page' : ''})`,
        {
          reason: 'not-mlflow',
          httpStatus: status,
          hint: 'check that MLFLOW_TRACKING_URI (or --mlflow-uri) is the MLflow server root, e.g. http://host:5000, without /#/ or a UI path',
        },
      );
    }
    if (status === 503 && request.path.includes('/mlflow-artifacts/')) {
      return new MlflowEndpointError(
        `MLflow at ${request.baseUrl} does not serve artifacts (HTTP 503 from ${endpoint}: ${firstLine(response.body)})`,
        {
          reason: 'artifacts-not-served',
          httpStatus: status,
          hint: 'start the server with --serve-artifacts (the default) and an --artifacts-destination',
        },
      );
    }
    const snippet = firstLine(response.body);
    return new MlflowApiError(
      `MLflow at ${request.baseUrl} answered ${endpoint} with HTTP ${status}${snippet ? `: ${snippet}` : ''}${attempts > 1 ? ` after ${attempts} attempts` : ''}`,
      { errorCode: `HTTP_${status}`, httpStatus: status, request, attempts, hint: 'check the server and its logs' },
    );
  }

  private authError(status: number, request: RequestDescription, serverMessage: string | undefined): MlflowAuthError {
    if (status === 401) {
      return new MlflowAuthError(
        this.sendsCredentials
          ? `MLflow at ${request.baseUrl} rejected the credentials (HTTP 401)`
          : `MLflow at ${request.baseUrl} requires authentication (HTTP 401)`,
        {
          httpStatus: status,
          hint: this.sendsCredentials
            ? 'check MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN'
            : 'set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN',
        },
      );
    }
    return new MlflowAuthError(
      `MLflow at ${request.baseUrl} denied ${describeRequest(request)} (HTTP ${status}${serverMessage ? `: ${serverMessage}` : ''})`,
      { httpStatus: status, hint: 'ask the server admin for permission, or use another account' },
    );
  }

  private missingEndpoint(request: RequestDescription, status: number): MlflowEndpointError {
    return new MlflowEndpointError(`MLflow at ${request.baseUrl} has no endpoint ${describeRequest(request)}`, {
      reason: 'endpoint-missing',
      httpStatus: status,
      hint: 'the server may be an older MLflow release; upgrade it or use a command that does not need this endpoint',
    });
  }
}

function flatHeaders(headers: AxiosResponse['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value !== undefined && value !== null) flat[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return flat;
}

function toRaw(response: AxiosResponse<Buffer>): RawResponse {
  const data = response.data as Buffer | string | undefined;
  const body = data === undefined ? '' : typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
  return { status: response.status, headers: flatHeaders(response.headers), body };
}

async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}
