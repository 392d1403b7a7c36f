import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, OperationObject, ParameterObject, ResponsesObject, SwaggerModule } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ADDS_CREDENTIAL_OPERATION,
  CredentialRoutePolicy,
  CSRF_HEADER,
  PUBLIC_OPERATION,
  ROLES_OPERATION,
  ScopeRegistry,
  SCOPES_OPERATION,
} from '../auth/internal';
import { documentedErrorCodes, errorResponseObject } from '../common/errors/api-errors.decorator';
import { ErrorCode } from '../common/errors/error-codes';
import { ErrorResponse } from '../common/errors/error.response';

/** The package's own version: `src/docs/` and `dist/docs/` both sit two levels below package.json. */
const VERSION = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

const GUARDED_ERRORS: Record<string, ErrorCode[]> = {
  '400': ['BAD_REQUEST'],
  '401': ['UNAUTHENTICATED', 'INVALID_TOKEN'],
  '503': ['SERVICE_UNAVAILABLE'],
};
const COOKIE_WRITE_ERRORS: ErrorCode[] = ['CSRF_FAILED'];
const CSRF_TOKEN_PARAMETER: ParameterObject = {
  name: CSRF_HEADER,
  in: 'header',
  description: 'With the cookie session: the token from the login or GET /auth/cookie/csrf',
  required: false,
  schema: { type: 'string' },
};
type AnnotatedOperation = OperationObject &
  Partial<
    Record<typeof PUBLIC_OPERATION, boolean> &
      Record<typeof SCOPES_OPERATION | typeof ROLES_OPERATION, string[]> &
      Record<typeof ADDS_CREDENTIAL_OPERATION, CredentialRoutePolicy>
  >;

const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const WRITE_METHODS = new Set<string>(['post', 'put', 'patch', 'delete']);

const DESCRIPTION = `Users, passwords and revocable opaque access tokens.

Authenticate with \`Authorization: Bearer <access_token>\` from \`POST /auth/token\`
(or use **Authorize** above: the OAuth2 password flow logs in with an email and password).
Browsers may use the cookie session instead (\`POST /auth/cookie/login\`), whose writes need
the \`X-CSRF-Token\` header. Every error has the body \`ErrorResponse\`, with a stable \`code\`.`;

/**
 * The OpenAPI document, built from the controllers' decorators. Every route is
 * guarded unless marked @Public(), as the global guard does: the guard's
 * answers, and on writes the CSRF header it checks for cookie sessions, are
 * added here once instead of on every route.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Auth service')
    .setDescription(DESCRIPTION)
    .setVersion(VERSION)
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'opaque', description: 'An opaque access token (nat_...) from POST /auth/token' },
      'bearer',
    )
    .addOAuth2(
      {
        type: 'oauth2',
        flows: {
          password: { tokenUrl: '/auth/token', refreshUrl: '/auth/token', scopes: Object.fromEntries(app.get(ScopeRegistry).all()) },
        },
      },
      'oauth2',
    )
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('oauth2')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorResponse] });
  for (const pathItem of Object.values(document.paths)) {
    for (const method of OPERATION_METHODS) {
      const operation: AnnotatedOperation | undefined = pathItem[method];
      if (!operation) continue;
      if (operation[PUBLIC_OPERATION]) {
        operation.security = [];
        delete operation[PUBLIC_OPERATION];
        continue;
      }
      const scopes = operation[SCOPES_OPERATION];
      if (scopes) {
        // Either scheme will do; the OAuth2 one names the scopes, which Swagger UI's Authorize offers.
        operation.security = [{ bearer: [] }, { oauth2: scopes }];
        addErrors(operation.responses, '403', ['INSUFFICIENT_SCOPE']);
        delete operation[SCOPES_OPERATION];
      }
      if (operation[ROLES_OPERATION]) {
        operation.description = [operation.description, `Only for the roles: ${operation[ROLES_OPERATION].join(', ')}.`]
          .filter(Boolean)
          .join(' ');
        addErrors(operation.responses, '403', ['FORBIDDEN']);
        delete operation[ROLES_OPERATION];
      }
      const addsCredential = operation[ADDS_CREDENTIAL_OPERATION];
      if (addsCredential) {
        operation.description = [
          operation.description,
          'Only once the account’s email is verified' +
            (addsCredential.sessionTokenOnly ? ', and never with a personal access token.' : '.'),
        ]
          .filter(Boolean)
          .join(' ');
        addErrors(operation.responses, '403', ['EMAIL_NOT_VERIFIED', ...(addsCredential.sessionTokenOnly ? ['FORBIDDEN' as const] : [])]);
        delete operation[ADDS_CREDENTIAL_OPERATION];
      }
      for (const [status, codes] of Object.entries(GUARDED_ERRORS)) addErrors(operation.responses, status, codes);
      if (WRITE_METHODS.has(method)) {
        addErrors(operation.responses, '403', COOKIE_WRITE_ERRORS);
        operation.parameters = [...(operation.parameters ?? []), CSRF_TOKEN_PARAMETER];
      }
    }
  }
  return document;
}

/** Adds codes to a documented error answer, or documents it. */
function addErrors(responses: ResponsesObject, status: string, codes: ErrorCode[]): void {
  const known = documentedErrorCodes(responses[status]);
  responses[status] = errorResponseObject([...new Set([...known, ...codes])]);
}
