import pino, { DestinationStream, Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LoggingConfig } from '../../config/app.config';

/** Anything a secret could sit under, wherever a caller might log it: replaced before the line is written. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...['password', 'currentPassword', 'token', 'access_token', 'csrfToken'].flatMap((key) => [key, `*.${key}`]),
];

/**
 * The one pino logger of the application: JSON lines in production, readable
 * ones otherwise.
 */
export function createRootLogger(config: LoggingConfig, destination: DestinationStream): Logger {
  const output =
    config.format === 'json'
      ? destination
      : pretty({ destination, sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  return pino(
    {
      level: config.level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    output,
  );
}
