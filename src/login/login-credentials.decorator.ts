import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { readingBody } from '../common/http/bodiless-routes';
import { LoginCredentialsPipe } from './login-credentials.pipe';
import { TokenRequestPipe } from './token-request.pipe';

const requestOf = createParamDecorator((_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<Request>());

/** The validated email and password of a login, from a password-grant form or a JSON body. */
export const LoginCredentialsBody = () => readingBody(requestOf(undefined, LoginCredentialsPipe));

/** What `POST /auth/token` asks for: a password grant (form or JSON) or a refresh, validated. */
export const TokenRequestBody = () => readingBody(requestOf(undefined, TokenRequestPipe));
