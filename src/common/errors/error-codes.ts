import { HttpStatus } from '@nestjs/common';

/** What a code means on the wire: its HTTP status and the message sent when the thrower gives none. */
export interface ErrorCodeDefinition {
  /** An HttpStatus value, 400 to 599. */
  status: number;
  message: string;
}

/** The codes of the HTTP contract (docs/api.md). */
const CONTRACT_CODES = {
  VALIDATION_FAILED: { status: HttpStatus.BAD_REQUEST, message: 'The request is invalid' },
  BAD_REQUEST: { status: HttpStatus.BAD_REQUEST, message: 'The request is invalid' },
  UNAUTHENTICATED: { status: HttpStatus.UNAUTHORIZED, message: 'Authentication is required' },
  INVALID_TOKEN: { status: HttpStatus.UNAUTHORIZED, message: 'The access token is invalid, expired or revoked' },
  INVALID_CREDENTIALS: { status: HttpStatus.UNAUTHORIZED, message: 'The email or password is incorrect' },
  INVALID_CURRENT_PASSWORD: { status: HttpStatus.FORBIDDEN, message: 'The current password is incorrect' },
  FORBIDDEN: { status: HttpStatus.FORBIDDEN, message: 'This request is not allowed' },
  CSRF_FAILED: { status: HttpStatus.FORBIDDEN, message: 'The CSRF token is missing or invalid for this session' },
  INVALID_GRANT: { status: HttpStatus.BAD_REQUEST, message: 'The refresh token is invalid, expired, revoked or already used' },
  INVALID_STATE: {
    status: HttpStatus.BAD_REQUEST,
    message: 'This sign-in is unknown, expired, already finished, or was started in another browser: start it again',
  },
  REAUTHENTICATION_REQUIRED: {
    status: HttpStatus.FORBIDDEN,
    message: 'Sign in again first: this account has no password, and its sign-in is more than 10 minutes old',
  },
  LAST_SIGN_IN_METHOD: {
    status: HttpStatus.CONFLICT,
    message: 'This is the last way to sign in to the account: set a password or add a passkey first',
  },
  UNSUPPORTED_GRANT_TYPE: { status: HttpStatus.BAD_REQUEST, message: 'grant_type must be password or refresh_token' },
  INVALID_SCOPE: { status: HttpStatus.BAD_REQUEST, message: 'A scope asked for is unknown, repeated, or not this account’s' },
  INSUFFICIENT_SCOPE: { status: HttpStatus.FORBIDDEN, message: 'The access token lacks a scope this route requires' },
  TOKEN_LIMIT_REACHED: {
    status: HttpStatus.CONFLICT,
    message: 'This account has as many personal access tokens as it may: revoke one first',
  },
  LAST_ADMIN: { status: HttpStatus.CONFLICT, message: 'No active admin would remain' },
  NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: 'Not found' },
  METHOD_NOT_ALLOWED: { status: HttpStatus.METHOD_NOT_ALLOWED, message: 'This method is not allowed here' },
  EMAIL_TAKEN: { status: HttpStatus.CONFLICT, message: 'An account with this email already exists' },
  EMAIL_ALREADY_VERIFIED: { status: HttpStatus.CONFLICT, message: 'This email address is already verified' },
  EMAIL_NOT_VERIFIED: { status: HttpStatus.FORBIDDEN, message: 'Verify your email address first: follow the link mailed to you' },
  INVALID_LINK: { status: HttpStatus.BAD_REQUEST, message: 'This link is invalid, expired or already used' },
  MFA_REQUIRED: { status: HttpStatus.FORBIDDEN, message: 'Enter a code of your second factor to finish logging in' },
  INVALID_MFA_CODE: { status: HttpStatus.FORBIDDEN, message: 'The code is missing, wrong or already used' },
  MFA_CHALLENGE_EXPIRED: { status: HttpStatus.UNAUTHORIZED, message: 'This login attempt expired or was used: log in again' },
  MFA_ALREADY_ENABLED: { status: HttpStatus.CONFLICT, message: 'Two-factor authentication is already on' },
  MFA_NOT_ENABLED: { status: HttpStatus.CONFLICT, message: 'Two-factor authentication is not on (or no enrolment was started)' },
  PASSKEY_INVALID: {
    status: HttpStatus.BAD_REQUEST,
    message: 'The passkey response is malformed, for another challenge, origin or site, or not verified',
  },
  PAYLOAD_TOO_LARGE: { status: HttpStatus.PAYLOAD_TOO_LARGE, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: HttpStatus.UNSUPPORTED_MEDIA_TYPE, message: 'Send the body as application/json' },
  TOO_MANY_REQUESTS: { status: HttpStatus.TOO_MANY_REQUESTS, message: 'Too many requests: try again later' },
  INTERNAL_ERROR: { status: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Something went wrong on our side' },
  SERVICE_UNAVAILABLE: { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'The service is temporarily unavailable: try again shortly' },
} as const satisfies Record<string, ErrorCodeDefinition>;

export type ContractErrorCode = keyof typeof CONTRACT_CODES;

/** The name of an HTTP status (`CONFLICT`, `GONE`): the code of a Nest `HttpException` of that status. */
export type StatusErrorCode = Exclude<keyof typeof HttpStatus, number>;

declare const declaredByModule: unique symbol;
/** A code a feature module declared with `defineErrorCodes`. */
export type DeclaredErrorCode<Code extends string = string> = Code & { readonly [declaredByModule]: true };

export type ErrorCode = ContractErrorCode | StatusErrorCode | DeclaredErrorCode;

const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

const definitions = new Map<string, ErrorCodeDefinition>(Object.entries(CONTRACT_CODES));

/**
 * Declares a module's own error codes, each with its status and default
 * message, for `throw new DomainError(NotesErrors.NOTE_TITLE_TAKEN)` and
 * `@ApiErrors(NotesErrors.NOTE_TITLE_TAKEN)`. No shared table is edited: the
 * exception filter and the API docs look codes up here. A code declared twice
 * must mean the same both times, so two modules cannot give one code two meanings.
 */
export function defineErrorCodes<const Codes extends Record<string, ErrorCodeDefinition>>(
  codes: Codes,
): { readonly [Code in keyof Codes & string]: DeclaredErrorCode<Code> } {
  for (const [code, definition] of Object.entries(codes)) {
    if (!UPPER_SNAKE.test(code)) throw new Error(`Error code ${code} must be UPPER_SNAKE_CASE`);
    if (!Number.isInteger(definition.status) || definition.status < 400 || definition.status > 599) {
      throw new Error(`Error code ${code} needs a 4xx or 5xx status, not ${definition.status}`);
    }
    const known = definitions.get(code) ?? statusCodeDefinition(code);
    if (known && (known.status !== definition.status || known.message !== definition.message)) {
      throw new Error(`Error code ${code} is already defined as ${known.status} "${known.message}"`);
    }
    definitions.set(code, { status: definition.status, message: definition.message });
  }
  return Object.fromEntries(Object.keys(codes).map((code) => [code, code])) as {
    readonly [Code in keyof Codes & string]: DeclaredErrorCode<Code>;
  };
}

/** The status and default message of a code: the contract's, a module's, or those of the HTTP status it is named after. */
export function errorCodeDefinition(code: ErrorCode): ErrorCodeDefinition {
  const definition = definitions.get(code) ?? statusCodeDefinition(code);
  if (!definition) throw new Error(`Unknown error code ${code}: declare it with defineErrorCodes`);
  return definition;
}

function statusCodeDefinition(code: string): ErrorCodeDefinition | undefined {
  const status: unknown = HttpStatus[code as StatusErrorCode];
  if (typeof status !== 'number' || status < 400) return undefined;
  const words = code.toLowerCase().replaceAll('_', ' ');
  return { status, message: words.charAt(0).toUpperCase() + words.slice(1) };
}

const CONTRACT_NAMES_OF_STATUSES = new Map<number, ContractErrorCode>([
  [HttpStatus.UNAUTHORIZED, 'UNAUTHENTICATED'],
  [HttpStatus.INTERNAL_SERVER_ERROR, 'INTERNAL_ERROR'],
]);

/**
 * The code an error of this status gets when nothing more precise names it: the
 * name of the status (`CONFLICT`, `UNPROCESSABLE_ENTITY`), except where the
 * contract names that status's generic case itself (401 and 500).
 */
export function codeForStatus(status: number): ErrorCode {
  const contractName = CONTRACT_NAMES_OF_STATUSES.get(status);
  if (contractName) return contractName;
  const name = HttpStatus[status] as StatusErrorCode | undefined;
  if (name !== undefined && statusCodeDefinition(name)) return name;
  return status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
}
