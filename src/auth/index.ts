/**
 * Everything a module of another team needs, from one import path (and all
 * it may import of this service: `npm run lint` holds it to this file). Every
 * route needs an access token unless marked @Public(); @RequireScopes() and
 * @Roles() narrow who may call it; the handler reads who is calling with
 * @CurrentUser(). This service's own features also use `./internal`.
 */
export type { AuthContext, AuthenticatedUser } from './authenticated-user';
export { CurrentSession, CurrentUser, type CurrentUserOptions } from './decorators/current-user.decorator';
export { AddsCredential } from './decorators/adds-credential.decorator';
export { Public } from './decorators/public.decorator';
export { RequireScopes, type DescribedScope } from './decorators/require-scopes.decorator';
export { Roles } from './decorators/roles.decorator';

/** Other accounts, as a module may see them: the active account at an address or of an id (global: inject it). */
export { AccountDirectory, type DirectoryEntry } from './directory/account-directory';

// Errors: throw DomainError with a code of the contract or one of the module's own (defineErrorCodes),
// or any of Nest's HttpExceptions; document them with @ApiErrors.
export { ApiErrors } from '../common/errors/api-errors.decorator';
export { isDuplicateEntryError } from '../common/errors/database-errors';
export { DomainError, type FieldError } from '../common/errors/domain-error';
export { defineErrorCodes, type ErrorCode } from '../common/errors/error-codes';

/** A row id from the path (`@Param('id', new RowIdPipe('No such note', NotesErrors.NOTE_NOT_FOUND))`): canonical decimal digits, else that 404. */
export { RowIdPipe } from '../common/http/row-id.pipe';
/** Who sent the request (`@Client() client: RequestClient`): its address under TRUST_PROXY, and its user agent. */
export { Client, type RequestClient } from '../common/http/request-client.decorator';

/**
 * Paging as every list of the service pages: a query class to extend with the
 * route's filters, and signed cursors (import PaginationModule to inject SignedCursors).
 */
export { PageQuery, DEFAULT_PAGE_SIZE } from '../common/pagination/page.query';
export { PaginationModule } from '../common/pagination/pagination.module';
export { SignedCursors, type CursorPosition } from '../common/pagination/signed-cursors';

/** The time of the service (global; a test injects a fake one): never `new Date()` in a module's services. */
export { Clock } from '../common/time/clock';

/** Field rules as the service's own bodies have them: an account's email (normalised), a name a user gives, a length in code points. */
export { IsAccountEmail } from '../common/validation/account-email.decorator';
export { IsDisplayName } from '../common/validation/display-name.decorator';
export { IsDecimalInteger } from '../common/validation/decimal-integer.decorator';
export { MaxCodePoints } from '../common/validation/text-length.decorator';

/** For a foreign key to the account a row belongs to (`ON DELETE CASCADE`: it goes with its user). */
export { User } from '../users/user.entity';
