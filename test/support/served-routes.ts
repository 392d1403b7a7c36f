import { ACCOUNT_PAGE_ROUTES } from '../../src/account-pages/account-pages';
import type { INestApplication } from '@nestjs/common';

export interface ServedRoute {
  method: string;
  /** Express's form: `/auth/tokens/:id`. */
  path: string;
}

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

// Swagger's own routes, and the wildcard routes Nest mounts its middleware on.
const NOT_API_ROUTES = /^\/docs|\*/;
const isApiRoute = (path: string) => !NOT_API_ROUTES.test(path) && !ACCOUNT_PAGE_ROUTES.includes(path);

/** What the server really answers as an API: every route in Express's router, whichever module brought it, but the pages', sorted. */
export function servedRoutes(app: INestApplication): ServedRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } };
  return express.router.stack
    .flatMap(({ route }) =>
      route && isApiRoute(route.path)
        ? Object.keys(route.methods).map((method) => ({ method: method.toUpperCase(), path: route.path }))
        : [],
    )
    .sort((a, b) => `${a.method} ${a.path}`.localeCompare(`${b.method} ${b.path}`));
}

/** `/auth/tokens/:id` as OpenAPI writes it: `/auth/tokens/{id}`. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

export interface OpenApiSchema {
  $ref?: string;
  properties?: Record<string, unknown>;
  allOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
}

export interface OpenApiOperation {
  operationId: string;
  security?: unknown[];
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema?: OpenApiSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation | undefined> | undefined>;
  components: { schemas: Record<string, OpenApiSchema & { required?: string[] }>; securitySchemes: Record<string, unknown> };
}

/** The properties a schema declares, following `$ref`s into the document's components. */
export function schemaProperties(document: OpenApiDocument, schema: OpenApiSchema | undefined): Record<string, unknown> {
  if (!schema) return {};
  if (schema.$ref) return schemaProperties(document, document.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
  // A body of several shapes (the token endpoint's grants): its first, the route's main one, is what the suites build.
  if (schema.oneOf?.[0]) return schemaProperties(document, schema.oneOf[0]);
  return (schema.allOf ?? []).reduce<Record<string, unknown>>(
    (properties, part) => ({ ...properties, ...schemaProperties(document, part) }),
    { ...schema.properties },
  );
}
