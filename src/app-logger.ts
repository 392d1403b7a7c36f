import { ConsoleLogger, LogLevel } from '@nestjs/common';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Nest's console logger: one JSON object per line in production, readable text in development. */
export function createAppLogger(format: 'json' | 'text', level: LogLevel): ConsoleLogger {
  return new ConsoleLogger({ json: format === 'json', logLevels: LEVELS.slice(0, LEVELS.indexOf(level) + 1) });
}
