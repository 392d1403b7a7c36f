import { Injectable, PipeTransform } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../common/errors/domain-error';
import { isFormContentType } from '../common/http/body-parser.middleware';
import { assertDeclaredFieldsOnly, declaredProperties, RequestValidationPipe } from '../common/http/request-validation.pipe';
import { LoginCredentials, PasswordGrantForm } from './dto/login.request';
import { RefreshTokenGrantForm } from './dto/refresh-token-grant.request';
import { LoginCredentialsPipe } from './login-credentials.pipe';

/** The fields of every grant form: a field of none is named even when the grant is unknown. */
const ANY_GRANT_FIELDS: ReadonlySet<string> = new Set([
  ...declaredProperties(PasswordGrantForm),
  ...declaredProperties(RefreshTokenGrantForm),
]);

export interface RefreshTokenGrant {
  refreshToken: string;
  scope?: string;
}

/** What `POST /auth/token` was asked for: a password grant (form or JSON), or a refresh. */
export type TokenRequest = { grant: 'password'; credentials: LoginCredentials } | { grant: 'refresh_token'; refresh: RefreshTokenGrant };

/**
 * Tells the grants of `POST /auth/token` apart by `grant_type` (RFC 6749
 * §4.3, §6): none or `password` is the password grant, `refresh_token` a
 * refresh; given twice it is a malformed request, anything else an
 * unsupported grant (§5.2).
 */
@Injectable()
export class TokenRequestPipe implements PipeTransform<Request, Promise<TokenRequest>> {
  private readonly validation = new RequestValidationPipe();
  private readonly passwordGrant = new LoginCredentialsPipe();

  async transform(request: Request): Promise<TokenRequest> {
    const grantType = isFormContentType(request.headers['content-type'])
      ? (request.body as Record<string, unknown> | undefined)?.grant_type
      : undefined;
    if (grantType !== undefined && typeof grantType !== 'string') {
      throw DomainError.invalidFields([{ field: 'grant_type', message: 'grant_type must be given once, as text' }]);
    }
    if (grantType === undefined || grantType === 'password') {
      return { grant: 'password', credentials: await this.passwordGrant.transform(request) };
    }
    if (grantType !== 'refresh_token') {
      // A field no grant has is named first, as on every route (docs/bad-inputs.md row 10).
      assertDeclaredFieldsOnly(request.body, ANY_GRANT_FIELDS);
      throw new DomainError('UNSUPPORTED_GRANT_TYPE');
    }
    const form = (await this.validation.transform(request.body, {
      type: 'body',
      metatype: RefreshTokenGrantForm,
    })) as RefreshTokenGrantForm;
    return { grant: 'refresh_token', refresh: { refreshToken: form.refresh_token, scope: form.scope } };
  }
}
