import { ERROR_STATUS } from '../../src/common/errors/error-code';
import { createTestApp, TestApp } from '../support/test-app';

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

interface Operation {
  operationId: string;
  security?: unknown[];
  parameters?: Array<{ name: string; in: string }>;
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

// Swagger's own routes, and the wildcard routes Nest mounts its middleware on.
const NOT_API_ROUTES = /^\/docs|\*/;

/** What the server really answers: every route in Express's router, as `METHOD /path/{param}`. */
function servedRoutes(t: TestApp): string[] {
  const express = t.app.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } };
  return express.router.stack
    .filter((layer) => layer.route && !NOT_API_ROUTES.test(layer.route.path))
    .flatMap((layer) =>
      Object.keys(layer.route!.methods).map((method) => `${method.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`),
    )
    .sort();
}

function documentedOperations(document: { paths: Record<string, Record<string, Operation>> }): Array<[string, Operation]> {
  return Object.entries(document.paths)
    .flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as [string, Operation]),
    )
    .sort(([a], [b]) => a.localeCompare(b));
}

describe('OpenAPI document and Swagger UI', () => {
  let t: TestApp;
  let document: { openapi: string; paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, any>> };

  beforeAll(async () => {
    t = await createTestApp();
    document = (await t.http.get('/docs-json').expect(200).expect('Content-Type', /json/)).body;
  });
  afterAll(() => t.close());

  it('documents exactly the routes the controllers serve', () => {
    const served = servedRoutes(t);
    expect(served.length).toBeGreaterThanOrEqual(12);
    expect(documentedOperations(document).map(([route]) => route)).toEqual(served);
  });

  it('declares the bearer scheme and the OAuth2 password flow at /auth/token', () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(document.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      oauth2: { type: 'oauth2', flows: { password: { tokenUrl: '/auth/token', scopes: {} } } },
    });
  });

  it('marks exactly the routes that refuse an anonymous request as secured, and documents their 401', async () => {
    for (const [route, operation] of documentedOperations(document)) {
      const [method, path] = route.split(' ');
      const anonymous = await t.http[method.toLowerCase() as 'get'](path.replace(/\{\w+\}/g, '1'));
      const guarded = anonymous.status === 401 && anonymous.body.code === 'UNAUTHENTICATED';
      expect({ route, secured: (operation.security ?? ['global']).length > 0 }).toEqual({ route, secured: guarded });
      if (guarded) expect({ route, has401: '401' in operation.responses }).toEqual({ route, has401: true });
    }
  });

  it('gives every operation a success answer and every error answer the error body with its codes', () => {
    const codesByStatus = new Map<string, string[]>();
    for (const [code, status] of Object.entries(ERROR_STATUS))
      codesByStatus.set(String(status), [...(codesByStatus.get(String(status)) ?? []), code]);
    for (const [route, operation] of documentedOperations(document)) {
      const statuses = Object.keys(operation.responses);
      expect({ route, success: statuses.some((status) => /^2/.test(status)) }).toEqual({ route, success: true });
      for (const status of statuses.filter((status) => /^[45]/.test(status) && route !== 'GET /health')) {
        const codes = operation.responses[status].description.split(', ');
        expect({ route, status, codes }).toEqual({
          route,
          status,
          codes: codes.filter((code) => codesByStatus.get(status)?.includes(code)),
        });
        expect(JSON.stringify(operation.responses[status].content)).toContain('#/components/schemas/ErrorResponse');
      }
    }
    expect(document.components.schemas.ErrorResponse.required).toEqual(expect.arrayContaining(['statusCode', 'code', 'message']));
  });

  it('documents the X-CSRF-Token header and CSRF_FAILED on exactly the secured writes', () => {
    const writes = documentedOperations(document).filter(([route]) => /^(POST|PUT|PATCH|DELETE) /.test(route));
    expect(writes.length).toBeGreaterThanOrEqual(5);
    for (const [route, operation] of documentedOperations(document)) {
      const securedWrite = writes.some(([write]) => write === route) && (operation.security ?? ['global']).length > 0;
      const csrfHeader = (operation.parameters ?? []).some((parameter) => parameter.in === 'header' && parameter.name === 'X-CSRF-Token');
      const csrfFailed = operation.responses['403']?.description.split(', ').includes('CSRF_FAILED') ?? false;
      expect({ route, csrfHeader, csrfFailed }).toEqual({ route, csrfHeader: securedWrite, csrfFailed: securedWrite });
    }
  });

  it('documents both login bodies: the password-grant form and JSON', () => {
    const requestBody = (document.paths['/auth/token'].post as Operation & { requestBody: { content: Record<string, unknown> } })
      .requestBody;
    expect(Object.keys(requestBody.content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded']);
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
