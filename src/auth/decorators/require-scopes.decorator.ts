import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const REQUIRED_SCOPES_KEY = 'requiredScopes';
export const SCOPE_DESCRIPTIONS_KEY = 'scopeDescriptions';

/** The OpenAPI extension @RequireScopes() sets on an operation; the document builder turns it into its security requirement. */
export const SCOPES_OPERATION = 'x-required-scopes';

/** A scope with what it lets a token do, as the API docs and a consent screen show it. */
export interface DescribedScope {
  scope: string;
  description: string;
}

/**
 * The token must carry every one of these scopes (403 INSUFFICIENT_SCOPE
 * otherwise). Declaring a scope here is what makes it a valid `scope` at
 * login: the application's scopes are collected from these at start-up. A
 * scope given as `{ scope, description }` (declare it once, as a constant of
 * the module) is described in the API docs; a bare name is shown as declared
 * by its controller.
 */
export const RequireScopes = (...scopes: (string | DescribedScope)[]) => {
  const names = scopes.map((scope) => (typeof scope === 'string' ? scope : scope.scope));
  const described = scopes.filter((scope): scope is DescribedScope => typeof scope !== 'string');
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPES_KEY, names),
    SetMetadata(SCOPE_DESCRIPTIONS_KEY, described),
    ApiExtension(SCOPES_OPERATION, names),
  );
};
