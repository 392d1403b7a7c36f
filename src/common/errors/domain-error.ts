import { errorCodeDefinition, ErrorCode } from './error-codes';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * An expected failure, named by a stable code. Services throw these and never
 * speak HTTP: the exception filter maps the code to its status and the error body.
 */
export class DomainError extends Error {
  /** What the client needs to go on, sent beside the code and message (MFA_REQUIRED's `mfaToken`). */
  details?: Readonly<Record<string, string | number>>;

  /** Response headers the answer carries (the `WWW-Authenticate` of INSUFFICIENT_SCOPE). */
  headers?: Readonly<Record<string, string>>;

  /** An error whose body carries `details` too. */
  static withDetails(code: ErrorCode, details: Readonly<Record<string, string | number>>): DomainError {
    const error = new DomainError(code);
    error.details = details;
    return error;
  }

  /** An error whose answer carries these headers. */
  static withHeaders(code: ErrorCode, headers: Readonly<Record<string, string>>): DomainError {
    const error = new DomainError(code);
    error.headers = headers;
    return error;
  }

  constructor(
    readonly code: ErrorCode,
    message: string = errorCodeDefinition(code).message,
    readonly fieldErrors?: FieldError[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return errorCodeDefinition(this.code).status;
  }
}

export function validationFailed(errors: FieldError[]): DomainError {
  return new DomainError('VALIDATION_FAILED', undefined, errors);
}
