import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { UserRole } from '../../users/user.entity';

export const REQUIRED_ROLES_KEY = 'requiredRoles';

/** The OpenAPI extension @Roles() sets; the document builder documents the 403 it causes. */
export const ROLES_OPERATION = 'x-required-roles';

/**
 * The user must have one of these roles (403 FORBIDDEN otherwise), whatever
 * the token's scopes. A role is read with the token, so a promotion opens the
 * route to tokens issued before it; a route that must not be reached by those
 * asks for a scope only that role may hold as well (`@RequireScopes('admin')`,
 * as the built-in admin routes do).
 */
export const Roles = (...roles: UserRole[]) =>
  applyDecorators(SetMetadata(REQUIRED_ROLES_KEY, roles), ApiExtension(ROLES_OPERATION, roles));
