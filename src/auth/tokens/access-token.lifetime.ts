/** `last_used_at` is refreshed at most this often per token, never on every request. */
export const LAST_USE_RESOLUTION_MS = 60_000;

/** Tokens last used at or before this instant are idle; null when there is no idle timeout (0). */
export function idleCutoff(now: Date, idleSeconds: number): Date | null {
  return idleSeconds > 0 ? new Date(now.getTime() - idleSeconds * 1000) : null;
}

/** The later of a stored last use and one not yet written. */
export function latestUse(stored: Date, pending: Date | undefined): Date {
  return pending && pending > stored ? pending : stored;
}
