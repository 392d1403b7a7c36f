import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { UserRole } from '../../users/user.entity';

export const REQUIRED_SCOPES_KEY = 'requiredScopes';
export const REQUIRED_ROLES_KEY = 'requiredRoles';

/** The OpenAPI extension @RequireScopes() sets on an operation; the document builder turns it into its security requirement. */
export const SCOPES_OPERATION = 'x-required-scopes';
/** The OpenAPI extension @Roles() sets; the document builder documents the 403 it causes. */
export const ROLES_OPERATION = 'x-required-roles';

/**
 * The token must carry every one of these scopes (403 INSUFFICIENT_SCOPE
 * otherwise). Declaring a scope here is what makes it a valid `scope` at
 * login: the application's scopes are collected from these at start-up.
 */
export const RequireScopes = (...scopes: string[]) =>
  applyDecorators(SetMetadata(REQUIRED_SCOPES_KEY, scopes), ApiExtension(SCOPES_OPERATION, scopes));

/** The user must have one of these roles (403 FORBIDDEN otherwise), whatever the token's scopes. */
export const Roles = (...roles: UserRole[]) =>
  applyDecorators(SetMetadata(REQUIRED_ROLES_KEY, roles), ApiExtension(ROLES_OPERATION, roles));
