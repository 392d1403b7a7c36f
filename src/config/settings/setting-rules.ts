import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { DURATION_PATTERN, parseDurationSeconds } from '../duration';

/** An http(s) URL with no query or fragment (a base URL: APP_URL, PUBLIC_URL, a provider's endpoints). */
export const HTTP_URL = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;

export function listItems(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

export const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalised)) return true;
  if (['false', '0', 'no'].includes(normalised)) return false;
  return value;
};

const toInteger = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);

/** An integer variable, written in decimal, within [min, max]. */
export function IsIntegerSetting(min: number, max: number, messages: { min?: string; max?: string } = {}): PropertyDecorator {
  // Listed in the order TypeScript applies a stack written Transform, IsInt, Min, Max: the errors keep their order.
  return applyDecorators(
    Max(max, messages.max === undefined ? undefined : { message: messages.max }),
    Min(min, messages.min === undefined ? undefined : { message: messages.min }),
    IsInt(),
    Transform(toInteger),
  );
}

const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;

/** 32 bytes in standard base64, as `openssl rand -base64 32` prints them. */
export function isEncryptionKey(value: unknown): boolean {
  return typeof value === 'string' && BASE64_32_BYTES.test(value.trim());
}

const MIN_IDLE_SECONDS = 120;

/** 0 (off), or a duration of MIN_IDLE_SECONDS or more. */
export function isIdleTimeout(value: unknown): boolean {
  if (typeof value !== 'string' || !DURATION_PATTERN.test(value)) return false;
  const seconds = parseDurationSeconds(value);
  return seconds === 0 || seconds >= MIN_IDLE_SECONDS;
}
