import { Injectable, OnModuleInit, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { authParametersOf } from './decorators/current-user.decorator';
import { IS_PUBLIC_KEY } from './decorators/public.decorator';

function joinPaths(...parts: Array<string | string[] | undefined>): string {
  const segments = parts.flatMap((part) => (Array.isArray(part) ? part.slice(0, 1) : [part]));
  return `/${segments
    .filter((segment): segment is string => segment !== undefined)
    .map((segment) => segment.replace(/^\/+|\/+$/g, ''))
    .filter((segment) => segment.length > 0)
    .join('/')}`;
}

/**
 * Refuses to start an application in which a @Public() route asks for the
 * user with a plain @CurrentUser() or @CurrentSession(): such a route has no
 * user when called anonymously, so it would fail at request time instead.
 */
@Injectable()
export class PublicRoutesCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const wrong = this.discovery.getControllers().flatMap(({ metatype }) => {
      if (typeof metatype !== 'function') return [];
      const prototype = metatype.prototype as Record<string, unknown>;
      return this.scanner.getAllMethodNames(prototype).flatMap((name) => {
        const handler = prototype[name];
        if (typeof handler !== 'function') return [];
        const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [handler, metatype]);
        if (!isPublic || authParametersOf(handler).every((parameter) => parameter.optional)) return [];
        const method = RequestMethod[this.reflector.get<RequestMethod>(METHOD_METADATA, handler)];
        const path = joinPaths(
          this.reflector.get<string | string[]>(PATH_METADATA, metatype),
          this.reflector.get<string>(PATH_METADATA, handler),
        );
        return [`${method} ${path} (${metatype.name}.${name})`];
      });
    });
    if (wrong.length > 0) {
      throw new Error(
        `@CurrentUser()/@CurrentSession() on a @Public() route has no user to give when the request is anonymous: ` +
          `use @CurrentUser({ optional: true }), or remove @Public(). Routes: ${wrong.join(', ')}`,
      );
    }
  }
}
