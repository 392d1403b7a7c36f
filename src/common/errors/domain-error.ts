import { errorCodeDefinition, ErrorCode } from './error-codes';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * An expected failure, named by a stable code. Services throw these instead
 * of choosing a status: the exception filter maps the code to its status and
 * the error body, and turns what the failure carries (a retry delay, headers,
 * details) into the answer. The named factories below make the ones that
 * carry more than a code and a message.
 */
export class DomainError extends Error {
  /** The fields that failed, sent as `errors` (VALIDATION_FAILED). */
  fieldErrors?: FieldError[];

  /** When to come back, sent as `Retry-After` (429, 503). */
  retryAfterSeconds?: number;

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

  /** A refusal the client may try again after `seconds` (TOO_MANY_REQUESTS, SERVICE_UNAVAILABLE). */
  static retryLater(code: ErrorCode, seconds: number, message?: string): DomainError {
    const error = new DomainError(code, message);
    error.retryAfterSeconds = seconds;
    return error;
  }

  /** VALIDATION_FAILED, naming each field that failed. */
  static invalidFields(errors: FieldError[], message?: string): DomainError {
    const error = new DomainError('VALIDATION_FAILED', message);
    error.fieldErrors = errors;
    return error;
  }

  constructor(
    readonly code: ErrorCode,
    message: string = errorCodeDefinition(code).message,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return errorCodeDefinition(this.code).status;
  }
}
