import type { FieldError } from './domain-error';
import { DEFAULT_MESSAGES, ERROR_STATUS, ErrorCode } from './error-code';

/** The body of every error answer (`ErrorResponse` in the API docs). */
export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  errors?: FieldError[];
}

export function errorBody(code: ErrorCode, message = DEFAULT_MESSAGES[code], errors?: FieldError[]): ErrorBody {
  const body: ErrorBody = { statusCode: ERROR_STATUS[code], code, message };
  if (errors) body.errors = errors;
  return body;
}
