const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

export const DURATION_PATTERN = /^(\d+)([smhd]?)$/;

/** Parses `90`, `90s`, `15m`, `24h` or `7d` into seconds. */
export function parseDurationSeconds(value: string): number {
  const match = DURATION_PATTERN.exec(value.trim());
  if (!match) {
    throw new Error(`not a duration: ${value}`);
  }
  return Number(match[1]) * UNIT_SECONDS[match[2] || 's'];
}
