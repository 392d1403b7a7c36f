/** mysql2 and Node socket codes meaning "the database cannot be reached right now". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_QUERY_INTERRUPTED',
  'ER_LOCK_WAIT_TIMEOUT',
  // A deadlock victim was rolled back whole: trying again is the answer (503 + Retry-After), where no retry did it already.
  'ER_LOCK_DEADLOCK',
  'POOL_CLOSED',
]);

const DUPLICATE_ENTRY_ERRNO = 1062;
const DEADLOCK_ERRNO = 1213;
const MISSING_PARENT_ROW_ERRNO = 1452;
const DATA_TOO_LONG_ERRNO = 1406;

function driverErrorOf(error: unknown): { code?: unknown; errno?: unknown; message?: unknown } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = (error as { driverError?: unknown }).driverError ?? error;
  return typeof candidate === 'object' && candidate !== null ? candidate : undefined;
}

/** What a client unable to reach the database through us is told to wait (Retry-After), wherever it learns it. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export function isDatabaseUnavailableError(error: unknown): boolean {
  const driverError = driverErrorOf(error);
  if (!driverError) return false;
  if (typeof driverError.code === 'string' && UNAVAILABLE_CODES.has(driverError.code)) return true;
  // mysql2's pool reports a closed or unreachable pool with a message only.
  return typeof driverError.message === 'string' && /^(Pool is closed|connect ETIMEDOUT)/.test(driverError.message);
}

/** InnoDB chose this statement as a deadlock's victim and rolled it back (ER_LOCK_DEADLOCK). */
export function isDeadlockError(error: unknown): boolean {
  const driverError = driverErrorOf(error);
  return driverError?.errno === DEADLOCK_ERRNO || driverError?.code === 'ER_LOCK_DEADLOCK';
}

/** Tries a deadlock victim again: InnoDB rolled it back whole, and its manual says to re-issue it. At most three tries in all. */
export async function retryingDeadlocks<Result>(work: () => Promise<Result>): Promise<Result> {
  const ATTEMPTS = 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isDeadlockError(error) || attempt === ATTEMPTS) throw error;
    }
  }
}

export function isDuplicateEntryError(error: unknown): boolean {
  const driverError = driverErrorOf(error);
  return driverError?.errno === DUPLICATE_ENTRY_ERRNO || driverError?.code === 'ER_DUP_ENTRY';
}

/** A value longer than its column (ER_DATA_TOO_LONG): strict mode refused it rather than cut it. */
export function isValueTooLongError(error: unknown): boolean {
  const driverError = driverErrorOf(error);
  return driverError?.errno === DATA_TOO_LONG_ERRNO || driverError?.code === 'ER_DATA_TOO_LONG';
}

/** An insert whose foreign key names a row that no longer exists (ER_NO_REFERENCED_ROW_2). */
export function isMissingParentRowError(error: unknown): boolean {
  const driverError = driverErrorOf(error);
  return driverError?.errno === MISSING_PARENT_ROW_ERRNO || driverError?.code === 'ER_NO_REFERENCED_ROW_2';
}
