/**
 * The FileStore answers with the same typed errors as a tracking server (a missing run is an
 * `MlflowNotFoundError` wherever it lives), so code above `TrackingStore` never asks which store
 * it has. The "request" of such an error is the file operation and the path inside the store.
 */
import { RuntimeFailure, type MctErrorOptions } from '../../errors.js';
import {
  MlflowAlreadyExistsError,
  MlflowInvalidRequestError,
  MlflowNotFoundError,
  type RequestDescription,
} from '../errors.js';

function where(root: string, path: string): RequestDescription {
  return { method: 'FILE', baseUrl: root, path };
}

export function notFound(root: string, what: string, path = ''): MlflowNotFoundError {
  return new MlflowNotFoundError(`${what} does not exist in the local store ${root}`, {
    errorCode: 'RESOURCE_DOES_NOT_EXIST',
    httpStatus: 404,
    request: where(root, path),
    hint: 'check the name or id (`mlflow ui --backend-store-uri <store>` shows what is there)',
  });
}

export function alreadyExists(root: string, what: string, path = ''): MlflowAlreadyExistsError {
  return new MlflowAlreadyExistsError(`${what} already exists in the local store ${root}`, {
    errorCode: 'RESOURCE_ALREADY_EXISTS',
    httpStatus: 400,
    request: where(root, path),
    hint: 'use another name, or use the existing one',
  });
}

export function invalid(root: string, message: string, hint: string, path = ''): MlflowInvalidRequestError {
  return new MlflowInvalidRequestError(message, {
    errorCode: 'INVALID_PARAMETER_VALUE',
    httpStatus: 400,
    request: where(root, path),
    hint,
  });
}

/** A file in the store that cannot be read or written: damaged, foreign or not permitted. */
export class FileStoreError extends RuntimeFailure {
  readonly path: string;
  constructor(message: string, options: MctErrorOptions & { path: string }) {
    super(message, options);
    this.path = options.path;
  }
}

/** Another process held the store's lock for longer than the wait allows. */
export class FileStoreLockedError extends FileStoreError {}
