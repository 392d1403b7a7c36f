import { HttpStatus } from '@nestjs/common';

/** Stable, machine-readable error codes of the HTTP contract, with their status. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  BAD_REQUEST: HttpStatus.BAD_REQUEST,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  INVALID_TOKEN: HttpStatus.UNAUTHORIZED,
  INVALID_CREDENTIALS: HttpStatus.UNAUTHORIZED,
  INVALID_CURRENT_PASSWORD: HttpStatus.FORBIDDEN,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  CSRF_FAILED: HttpStatus.FORBIDDEN,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  METHOD_NOT_ALLOWED: HttpStatus.METHOD_NOT_ALLOWED,
  EMAIL_TAKEN: HttpStatus.CONFLICT,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  UNSUPPORTED_MEDIA_TYPE: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  TOO_MANY_REQUESTS: HttpStatus.TOO_MANY_REQUESTS,
  INTERNAL_ERROR: HttpStatus.INTERNAL_SERVER_ERROR,
  SERVICE_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
} as const satisfies Record<string, HttpStatus>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'The request is invalid',
  BAD_REQUEST: 'The request is invalid',
  UNAUTHENTICATED: 'Authentication is required',
  INVALID_TOKEN: 'The access token is invalid, expired or revoked',
  INVALID_CREDENTIALS: 'The email or password is incorrect',
  INVALID_CURRENT_PASSWORD: 'The current password is incorrect',
  FORBIDDEN: 'This request is not allowed',
  CSRF_FAILED: 'The CSRF token is missing or invalid for this session',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'This method is not allowed here',
  EMAIL_TAKEN: 'An account with this email already exists',
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  UNSUPPORTED_MEDIA_TYPE: 'Send the body as application/json',
  TOO_MANY_REQUESTS: 'Too many requests: try again later',
  INTERNAL_ERROR: 'Something went wrong on our side',
  SERVICE_UNAVAILABLE: 'The service is temporarily unavailable: try again shortly',
};
