import { Module } from '@nestjs/common';
import pino from 'pino';
import { loggingConfig } from '../../config/app.config';
import { createRootLogger } from './root-logger';

/** Where log lines go: standard output, unless a test captures them. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

@Module({
  providers: [
    { provide: LOG_DESTINATION, useFactory: () => pino.destination({ dest: 1, sync: true }) },
    { provide: ROOT_LOGGER, inject: [loggingConfig.KEY, LOG_DESTINATION], useFactory: createRootLogger },
  ],
  exports: [ROOT_LOGGER],
})
export class RootLoggerModule {}
