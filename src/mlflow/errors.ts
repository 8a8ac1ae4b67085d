/**
 * Typed errors of the MLflow client, part of the one hierarchy in `src/errors.ts`.
 *
 * Server errors are typed by MLflow's `error_code` (not by HTTP status: MLflow answers
 * `RESOURCE_ALREADY_EXISTS` with 400). Everything that is not MLflow's JSON error body (a basic-auth
 * challenge, the host-check page, an HTML 404, a refused connection) becomes one sentence that
 * names what to check. No message, hint or `cause` ever carries a credential: causes are rebuilt
 * from the transport error's code and message, never the request configuration with its headers.
 */
import { InputError, RuntimeFailure, UsageError, type MctErrorOptions } from '../errors.js';

/** Where a failed request went: method and path on the server, never headers or credentials. */
export interface RequestDescription {
  method: string;
  /** Base URL with any user-info removed. */
  baseUrl: string;
  path: string;
}

export function describeRequest(request: RequestDescription): string {
  return `${request.method} ${request.path}`;
}

export interface MlflowApiErrorOptions extends MctErrorOptions {
  errorCode: string;
  httpStatus: number;
  request: RequestDescription;
  /** How many attempts were made (1 when the first answer was final). */
  attempts?: number;
}

/** MLflow answered with its JSON error body (`{"error_code", "message"}`) or a server failure. */
export class MlflowApiError extends RuntimeFailure {
  readonly errorCode: string;
  readonly httpStatus: number;
  readonly request: RequestDescription;
  readonly attempts: number;

  constructor(message: string, options: MlflowApiErrorOptions) {
    super(message, options);
    this.errorCode = options.errorCode;
    this.httpStatus = options.httpStatus;
    this.request = options.request;
    this.attempts = options.attempts ?? 1;
  }
}

/** `RESOURCE_DOES_NOT_EXIST`: no experiment, run, model, version or alias of that name or id. */
export class MlflowNotFoundError extends MlflowApiError {}

/** `RESOURCE_ALREADY_EXISTS` / `ALREADY_EXISTS`: an experiment or registered model with that name exists. */
export class MlflowAlreadyExistsError extends MlflowApiError {}

/** `INVALID_PARAMETER_VALUE` / `BAD_REQUEST` / `INVALID_STATE`: the server refused a value. */
export class MlflowInvalidRequestError extends MlflowApiError {}

/** 401 or 403 from the auth layer: missing or wrong credentials, or not enough permission. */
export class MlflowAuthError extends RuntimeFailure {
  readonly httpStatus: number;
  constructor(message: string, options: MctErrorOptions & { httpStatus: number }) {
    super(message, options);
    this.httpStatus = options.httpStatus;
  }
}

/**
 * The tracking URI does not lead to MLflow's REST API: an HTML 404, a page that is not JSON, the
 * host-check 403 of MLflow >= 3.5, or an endpoint this server version does not have.
 */
export class MlflowEndpointError extends RuntimeFailure {
  readonly httpStatus: number | undefined;
  readonly reason: 'not-mlflow' | 'host-rejected' | 'cors-rejected' | 'endpoint-missing' | 'artifacts-not-served';
  constructor(
    message: string,
    options: MctErrorOptions & { httpStatus?: number; reason: MlflowEndpointError['reason'] },
  ) {
    super(message, options);
    this.httpStatus = options.httpStatus;
    this.reason = options.reason;
  }
}

/** No answer: refused, reset, unknown host, TLS failure or timeout, after the retry budget. */
export class MlflowConnectionError extends RuntimeFailure {
  /** Node's error code (`ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`, ...). */
  readonly code: string | undefined;
  readonly attempts: number;
  constructor(message: string, options: MctErrorOptions & { code?: string; attempts?: number }) {
    super(message, options);
    this.code = options.code;
    this.attempts = options.attempts ?? 1;
  }
}

/** A request got no answer within the per-request timeout, on every attempt. */
export class MlflowTimeoutError extends MlflowConnectionError {}

/** The environment or flags describe an impossible configuration (exit 2). */
export class MlflowConfigError extends UsageError {}

/** The tracking URI names a kind of store this version cannot use yet (exit 2). */
export class MlflowUnsupportedStoreError extends UsageError {}

/**
 * A key, value or batch the server would reject or silently truncate, caught before anything is
 * sent (exit 2). `location` names the entity (e.g. `params["lr"]`).
 */
export class MlflowValidationError extends InputError {}

/** A URI that is not a valid `runs:/`, `models:/` or artifact URI, or an unsafe artifact path (exit 2). */
export class MlflowUriError extends InputError {}

/** A model could not be logged or registered; a LoggedModel that was created is marked FAILED. */
export class MlflowModelLoggingError extends RuntimeFailure {
  /** The LoggedModel left in FAILED state, when there is one. */
  readonly modelId: string | undefined;
  constructor(message: string, options: MctErrorOptions & { modelId?: string } = {}) {
    super(message, options);
    this.modelId = options.modelId;
  }
}

export function isNotFound(error: unknown): error is MlflowNotFoundError {
  return error instanceof MlflowNotFoundError;
}

export function isAlreadyExists(error: unknown): error is MlflowAlreadyExistsError {
  return error instanceof MlflowAlreadyExistsError;
}

const OUTAGE_STATUSES = new Set([502, 503, 504]);

/** True for failures that mean "the server is not there right now". */
export function isOutage(error: unknown): boolean {
  if (error instanceof MlflowConnectionError) return true;
  return error instanceof MlflowApiError && OUTAGE_STATUSES.has(error.httpStatus);
}

