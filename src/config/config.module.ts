import { DynamicModule, Global, Module } from '@nestjs/common';
import { CONFIG_NAMESPACES } from './app.config';
import type { Environment } from './environment';

/**
 * Typed, namespaced settings, from an environment the entry point has
 * validated once (refusing to start on a bad value, with a message naming
 * the variable).
 */
@Global()
@Module({})
export class AppConfigModule {
  static forEnvironment(environment: Environment): DynamicModule {
    const namespaces = CONFIG_NAMESPACES.map((namespace) => ({
      provide: namespace.KEY,
      useFactory: () => namespace.fromEnvironment(environment),
    }));
    return {
      module: AppConfigModule,
      providers: namespaces,
      exports: namespaces.map((namespace) => namespace.provide),
    };
  }
}
