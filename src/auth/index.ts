/**
 * Everything a module of another team needs, from one import path. Every
 * route needs an access token unless marked @Public(); @RequireScopes() and
 * @Roles() narrow who may call it; the handler reads who is calling with
 * @CurrentUser().
 */
export type { AuthContext, AuthenticatedUser } from './authenticated-user';
export { CurrentSession, CurrentUser, type CurrentUserOptions } from './decorators/current-user.decorator';
export { AddsCredential } from './decorators/adds-credential.decorator';
export { Public } from './decorators/public.decorator';
export { RequireScopes, Roles } from './scopes/scope.decorators';

// Errors: throw DomainError with a code of the contract or one of the module's own (defineErrorCodes),
// or any of Nest's HttpExceptions; document them with @ApiErrors.
export { ApiErrors } from '../common/errors/api-errors.decorator';
export { isDuplicateEntryError } from '../common/errors/database-errors';
export { DomainError, type FieldError } from '../common/errors/domain-error';
export { defineErrorCodes, type ErrorCode } from '../common/errors/error-codes';

/** A row id from the path (`@Param('id', new RowIdPipe('No such note'))`): canonical decimal digits, else 404. */
export { RowIdPipe } from '../common/http/row-id.pipe';

/** For a foreign key to the account a row belongs to (`ON DELETE CASCADE`: it goes with its user). */
export { User } from '../users/user.entity';
