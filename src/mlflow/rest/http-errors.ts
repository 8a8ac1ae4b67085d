/**
 * What a failed exchange with MLflow means, in one line the user can act on: every network
 * failure and every non-2xx answer becomes a typed error from `../errors.js` with the fix as its
 * hint (the URI to check, the variable to set, the server flag to add).
 */
import { redactUri } from '../config.js';
import {
  MlflowAlreadyExistsError,
  MlflowApiError,
  MlflowAuthError,
  MlflowConnectionError,
  MlflowEndpointError,
  MlflowInvalidRequestError,
  MlflowNotFoundError,
  MlflowTimeoutError,
  describeRequest,
  type RequestDescription,
} from '../errors.js';
import type { TransportResponse } from './transport.js';

/** A transport failure worth another attempt, and the words for it. */
export interface NetworkFailure {
  code: string | undefined;
  retryable: boolean;
  timeout: boolean;
  detail: string;
}

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

function firstLine(text: string): string {
  const line = text.trim().split(/\r?\n/, 1)[0] ?? '';
  return line.length > ERROR_SNIPPET_LENGTH ? `${line.slice(0, ERROR_SNIPPET_LENGTH)}…` : line;
}

function looksLikeHtml(response: TransportResponse): boolean {
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

export function classifyNetworkError(error: unknown): NetworkFailure {
  const err = error as { code?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  const message = err.message ?? String(error);
  const timeout = code === 'ETIMEDOUT' || code === 'ECONNABORTED' || /timeout/i.test(message);
  const retryable = timeout || (code !== undefined && RETRYABLE_NETWORK_CODES.has(code)) || /socket hang up/i.test(message);
  return { code, retryable, timeout, detail: message };
}

/** What the error mapping needs to know about the client. */
export interface ErrorContext {
  /** Whether requests carry credentials (a 401 then means they were rejected). */
  sendsCredentials: boolean;
  timeoutMs: number;
}

function portOf(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return url.port || (url.protocol === 'https:' ? '443' : '80');
  } catch {
    return '5000';
  }
}

/** True for a host on this machine: a refused connection there means nothing listens. */
export function isLoopbackHost(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host) || host === '0.0.0.0';
  } catch {
    return false;
  }
}

export function decodeJson<T>(response: TransportResponse, request: RequestDescription): T {
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

export function connectionError(request: RequestDescription, failure: NetworkFailure, attempts: number, context: ErrorContext): MlflowConnectionError {
  const where = request.baseUrl;
  const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
  const cause = Object.assign(new Error(failure.detail), { code: failure.code });
  const checkUri = 'check MLFLOW_TRACKING_URI (or --mlflow-uri) and that the MLflow server is running';
  if (failure.timeout) {
    return new MlflowTimeoutError(
      `MLflow at ${where} did not answer ${describeRequest(request)} within ${context.timeoutMs / 1000} s${tries}`,
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
    const port = portOf(where);
    return new MlflowConnectionError(`cannot connect to MLflow at ${where}: connection refused${tries}`, {
      code,
      attempts,
      cause,
      hint: isLoopbackHost(where)
        ? `nothing listens there: start it (\`mlflow server --port ${port}\`), or check MLFLOW_TRACKING_URI (or --mlflow-uri)`
        : checkUri,
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
export function errorFor(response: TransportResponse, request: RequestDescription, attempts: number, context: ErrorContext): Error {
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
        return authError(status, request, serverMessage, context);
      case 'ENDPOINT_NOT_FOUND':
        return missingEndpoint(request, status);
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
  if (status === 401) return authError(status, request, undefined, context);
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
    return authError(status, request, firstLine(response.body) || undefined, context);
  }
  if (status === 404 || status === 405) {
    if (response.body.trim() === '' && status === 404) return missingEndpoint(request, status);
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

function authError(status: number, request: RequestDescription, serverMessage: string | undefined, context: ErrorContext): MlflowAuthError {
  if (status === 401) {
    return new MlflowAuthError(
      context.sendsCredentials
        ? `MLflow at ${request.baseUrl} rejected the credentials (HTTP 401)`
        : `MLflow at ${request.baseUrl} requires authentication (HTTP 401)`,
      {
        httpStatus: status,
        hint: context.sendsCredentials
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

function missingEndpoint(request: RequestDescription, status: number): MlflowEndpointError {
  return new MlflowEndpointError(`MLflow at ${request.baseUrl} has no endpoint ${describeRequest(request)}`, {
    reason: 'endpoint-missing',
    httpStatus: status,
    hint: 'the server may be an older MLflow release; upgrade it or use a command that does not need this endpoint',
  });
}
