import type { FieldError } from './domain-error';
import { errorCodeDefinition, ErrorCode } from './error-codes';

/** The body of every error answer (`ErrorResponse` in the API docs). */
export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  errors?: FieldError[];
  [detail: string]: unknown;
}

/** The body for a code; `status` only where the answer's status is not the code's own (an HttpException of an unnamed status). */
export function errorBody(
  code: ErrorCode,
  message = errorCodeDefinition(code).message,
  errors?: FieldError[],
  status = errorCodeDefinition(code).status,
): ErrorBody {
  const body: ErrorBody = { statusCode: status, code, message };
  if (errors) body.errors = errors;
  return body;
}
