import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/internal';
import { DomainError } from '../errors/domain-error';

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

/** Whether the handler reads a body: a `@Body()` parameter, or one marked with `readingBody`. */
export function handlerReadsBody(controller: object, handler: object & { name: string }): boolean {
  const parameters = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {}) as Record<string, unknown>;
  return (
    Reflect.getMetadata(READS_BODY_KEY, handler) === true ||
    Object.keys(parameters).some((key) => key.startsWith(`${RouteParamtypes.BODY}:`))
  );
}

/**
 * A route whose handler reads no body refuses one with content (fields, an
 * array, a bare value) with 400 VALIDATION_FAILED, as a route with a DTO
 * refuses unknown fields: a client that sends `{"everywhere": true}` to
 * `DELETE /auth/tokens` learns that the field means nothing, instead of
 * believing it was obeyed. No body, or `{}`, is no content.
 */
export function assertNoBodyContent(body: unknown): void {
  if (body === undefined) return;
  const hasContent = typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length > 0;
  if (hasContent) throw DomainError.invalidFields([{ field: 'body', message: 'this route takes no body' }]);
}
