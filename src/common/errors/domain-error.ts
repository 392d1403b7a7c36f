import { DEFAULT_MESSAGES, ErrorCode } from './error-code';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * An expected failure, named by a stable code. Services throw these and never
 * speak HTTP: the exception filter maps the code to a status and the error body.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = DEFAULT_MESSAGES[code],
    readonly fieldErrors?: FieldError[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function validationFailed(errors: FieldError[]): DomainError {
  return new DomainError('VALIDATION_FAILED', DEFAULT_MESSAGES.VALIDATION_FAILED, errors);
}
