import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/internal';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { validationFailed } from '../errors/domain-error';

const READS_BODY_KEY = 'readsBody';

/**
 * Marks the handler of a parameter decorator of one's own that reads the
 * request's body (as `@Body()` does), so that its route takes a body.
 */
export function readingBody(decorator: ParameterDecorator): ParameterDecorator {
  return (target, propertyKey, index) => {
    const handler = propertyKey === undefined ? undefined : (target as Record<string | symbol, unknown>)[propertyKey];
    if (typeof handler === 'function') Reflect.defineMetadata(READS_BODY_KEY, true, handler);
    decorator(target, propertyKey, index);
  };
}

/** Anything but no body or an empty object: fields, an array, a bare value. */
function hasContent(body: unknown): boolean {
  if (body === undefined) return false;
  return typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length > 0;
}

/**
 * A route whose handler reads no body refuses one with content (400
 * VALIDATION_FAILED), as a route with a DTO refuses unknown fields: a client
 * that sends `{"everywhere": true}` to `DELETE /auth/tokens` learns that the
 * field means nothing, instead of believing it was obeyed. Which handlers read
 * a body is read from their parameters once, at the first request.
 */
@Injectable()
export class BodilessRoutesInterceptor implements NestInterceptor {
  private readonly readsBody = new WeakMap<object, boolean>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const body: unknown = context.switchToHttp().getRequest<Request>().body;
    if (hasContent(body) && !this.handlerReadsBody(context)) {
      throw validationFailed([{ field: 'body', message: 'this route takes no body' }]);
    }
    return next.handle();
  }

  private handlerReadsBody(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let reads = this.readsBody.get(handler);
    if (reads === undefined) {
      const parameters = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, unknown>;
      reads =
        Reflect.getMetadata(READS_BODY_KEY, handler) === true ||
        Object.keys(parameters).some((key) => key.startsWith(`${RouteParamtypes.BODY}:`));
      this.readsBody.set(handler, reads);
    }
    return reads;
  }
}
