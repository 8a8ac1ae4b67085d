import { InputError } from '../../errors.js';
import { pythonJson } from './python-json.js';

/** MLflow's error codes a scoring request can fail with, and the HTTP status MLflow maps each to. */
export type ScoringErrorCode = 'BAD_REQUEST' | 'INVALID_PARAMETER_VALUE';

/**
 * A scoring request the model cannot answer: a malformed body, a column missing or of the wrong
 * type, a category the model does not know. The server answers it with MLflow's error JSON
 * (status 400); `predict` exits 2 with the message.
 */
export class ScoringInputError extends InputError {
  readonly httpStatus = 400;

  constructor(
    readonly errorCode: ScoringErrorCode,
    message: string,
    options: { hint?: string; location?: string; cause?: unknown } = {},
  ) {
    super(message, options);
  }

  /** The body MLflow 3 answers with (`MlflowException.serialize_as_json`). */
  toJson(): string {
    const schema = this.errorCode === 'INVALID_PARAMETER_VALUE';
    return pythonJson({
      error_code: this.errorCode,
      message: this.oneLine,
      sqlstate: schema ? 'KAM01' : 'KAM00',
      error_class: schema ? 'SCHEMA_ENFORCEMENT_FAILED' : 'INVALID_PARAMETER_VALUE',
    });
  }
}
