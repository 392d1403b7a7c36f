import { createHash } from 'node:crypto';

/**
 * The TOTP secrets' key of every application and service process the tests
 * start, as instances on one database share one: a process with a key of its
 * own would find the others' secrets unreadable (and, in production mode,
 * refuse to start). Derived, not random, so that every process agrees on it.
 */
export const TEST_MFA_ENCRYPTION_KEY = createHash('sha256').update('nest-auth-service test key').digest('base64');
