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

function outputFor(config: LoggingConfig, destination: DestinationStream): DestinationStream {
  return config.format === 'json'
    ? destination
    : pretty({ destination, sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}

/**
 * The pino logger of the application's events: JSON lines in production,
 * readable ones otherwise.
 */
export function createRootLogger(config: LoggingConfig, destination: DestinationStream): Logger {
  return pino({ level: config.level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, outputFor(config, destination));
}

/**
 * The logger of the request lines, to the same destination. Without the
 * redaction pass: a request line's fields are picked one by one
 * (RequestLogMiddleware), none of them a secret, and walking the redacted
 * paths for each line cost 1.7 % of the guarded read's CPU.
 */
export function createRequestLogger(config: LoggingConfig, destination: DestinationStream): Logger {
  return pino({ level: config.level }, outputFor(config, destination));
}
