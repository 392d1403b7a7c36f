import { errorCodeDefinition, ErrorCode } from '../../src/common/errors/error-codes';
import { OpenApiDocument, OpenApiOperation, schemaProperties, servedRoutes, toOpenApiPath } from '../support/served-routes';
import { allScopes, createTestApp, TestApp } from '../support/test-app';

function documentedOperations(document: OpenApiDocument): Array<[string, OpenApiOperation]> {
  return Object.entries(document.paths)
    .flatMap(([path, item]) =>
      Object.entries(item ?? {}).flatMap(([method, operation]) =>
        operation ? [[`${method.toUpperCase()} ${path}`, operation] as [string, OpenApiOperation]] : [],
      ),
    )
    .sort(([a], [b]) => a.localeCompare(b));
}

describe('OpenAPI document and Swagger UI', () => {
  let t: TestApp;
  let document: OpenApiDocument;

  beforeAll(async () => {
    t = await createTestApp();
    document = (await t.http.get('/docs-json').expect(200).expect('Content-Type', /json/)).body as OpenApiDocument;
  });
  afterAll(() => t.close());

  it('documents exactly the routes the controllers serve', () => {
    const served = servedRoutes(t.app).map(({ method, path }) => `${method} ${toOpenApiPath(path)}`);
    expect(served.length).toBeGreaterThanOrEqual(12);
    expect(documentedOperations(document).map(([route]) => route)).toEqual(served);
  });

  it('declares the bearer scheme and the OAuth2 password flow at /auth/token, with the application’s scopes', () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(document.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      oauth2: {
        type: 'oauth2',
        flows: { password: { tokenUrl: '/auth/token', refreshUrl: '/auth/token', scopes: allScopes(t) } },
      },
    });
  });

  it('marks exactly the routes that refuse an anonymous request as secured, and documents their 401', async () => {
    for (const [route, operation] of documentedOperations(document)) {
      const [method, path] = route.split(' ');
      const anonymous = await t.http[method.toLowerCase() as 'get'](path.replace(/\{\w+\}/g, '1'));
      const guarded = anonymous.status === 401 && anonymous.body.code === 'UNAUTHENTICATED';
      expect({ route, secured: (operation.security ?? ['global']).length > 0 }).toEqual({ route, secured: guarded });
      expect({ route, documents401: !guarded || '401' in operation.responses }).toEqual({ route, documents401: true });
    }
  });

  it('gives every operation a success answer and every error answer the error body with its codes', () => {
    const statusOf = (code: string) => String(errorCodeDefinition(code as ErrorCode).status);
    for (const [route, operation] of documentedOperations(document)) {
      const statuses = Object.keys(operation.responses);
      // A redirect is the success of the routes a browser is sent through (a provider flow's start and callback).
      expect({ route, success: statuses.some((status) => /^[23]/.test(status)) }).toEqual({ route, success: true });
      for (const status of statuses.filter((status) => /^[45]/.test(status) && route !== 'GET /health')) {
        const codes = operation.responses[status].description.split(', ');
        expect({ route, status, codes }).toEqual({
          route,
          status,
          codes: codes.filter((code) => statusOf(code) === status),
        });
        expect(JSON.stringify(operation.responses[status].content)).toContain('#/components/schemas/ErrorResponse');
      }
    }
    expect(document.components.schemas.ErrorResponse.required).toEqual(expect.arrayContaining(['statusCode', 'code', 'message']));
  });

  it('documents the X-CSRF-Token header on exactly the secured writes, and CSRF_FAILED on those and the routes that log a browser in', () => {
    // Their login-CSRF rule (a trusted Origin) answers CSRF_FAILED too, with no token to echo.
    const browserLogins = ['POST /auth/cookie/login', 'POST /auth/cookie/passkey-login', 'POST /auth/mfa/verify'];
    const writes = documentedOperations(document).filter(([route]) => /^(POST|PUT|PATCH|DELETE) /.test(route));
    expect(writes.length).toBeGreaterThanOrEqual(5);
    for (const [route, operation] of documentedOperations(document)) {
      const securedWrite = writes.some(([write]) => write === route) && (operation.security ?? ['global']).length > 0;
      const csrfHeader = (operation.parameters ?? []).some((parameter) => parameter.in === 'header' && parameter.name === 'X-CSRF-Token');
      const csrfFailed = operation.responses['403']?.description.split(', ').includes('CSRF_FAILED') ?? false;
      expect({ route, csrfHeader, csrfFailed }).toEqual({
        route,
        csrfHeader: securedWrite,
        csrfFailed: securedWrite || browserLogins.includes(route),
      });
    }
  });

  it('documents both login bodies: the password-grant form and JSON', () => {
    const requestBody = document.paths['/auth/token']?.post?.requestBody;
    expect(Object.keys(requestBody?.content ?? {}).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded']);
  });

  it('documents MFA_REQUIRED on both login routes, with the mfaToken and expiresIn of its body, and both answers of the MFA step', () => {
    for (const path of ['/auth/token', '/auth/cookie/login']) {
      expect(document.paths[path]?.post?.responses['403'].description.split(', ')).toContain('MFA_REQUIRED');
    }
    expect(Object.keys(schemaProperties(document, { $ref: '#/components/schemas/ErrorResponse' }))).toEqual(
      expect.arrayContaining(['mfaToken', 'expiresIn']),
    );
    const verify = document.paths['/auth/mfa/verify']?.post;
    expect(Object.keys(verify?.responses ?? {})).toEqual(expect.arrayContaining(['200', '204', '401', '403']));
    expect(verify?.responses['403'].description.split(', ').sort()).toEqual(['CSRF_FAILED', 'INVALID_MFA_CODE']);
    expect(verify?.security).toEqual([]);
  });

  it('serves Swagger UI with a policy that lets only its own scripts run, and the usual headers and request id', async () => {
    const page = await t.http.get('/docs/').expect(200).expect('Content-Type', /html/);
    expect(page.text).toContain('swagger-ui');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-request-id']).toEqual(expect.any(String));
    const api = await t.http.get('/health');
    expect(api.headers['content-security-policy']).toContain("default-src 'none'");
  });
});
