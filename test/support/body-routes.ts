import { OpenApiDocument, schemaProperties, servedRoutes, toOpenApiPath } from './served-routes';
import type { TestApp } from './test-app';

export interface BodyRoute {
  method: string;
  /** With `1` for each path parameter. */
  path: string;
  secured: boolean;
  /** The body's fields by media type, as the OpenAPI document declares them. */
  fields: Partial<Record<'application/json' | 'application/x-www-form-urlencoded', string[]>>;
  /** The fields the document calls an email. */
  emailFields: string[];
}

export interface DocumentedRoute {
  method: string;
  /** Express's form: `/auth/tokens/:id`. */
  path: string;
  secured: boolean;
  takesBody: boolean;
  /** The query parameters the document declares, with their schema type. */
  query: Array<{ name: string; type?: string }>;
}

interface DocumentedParameter {
  name: string;
  in: string;
  schema?: { type?: string };
}

/** Every route the router serves, another team's included, as the OpenAPI document describes it. */
export function documentedRoutesOf(t: TestApp, document: OpenApiDocument): DocumentedRoute[] {
  return servedRoutes(t.app).flatMap(({ method, path }) => {
    const operation = document.paths[toOpenApiPath(path)]?.[method.toLowerCase()];
    if (!operation) return [];
    const parameters = (operation.parameters ?? []) as DocumentedParameter[];
    return [
      {
        method,
        path,
        secured: (operation.security ?? ['global']).length > 0,
        takesBody: operation.requestBody !== undefined,
        query: parameters.filter((parameter) => parameter.in === 'query').map(({ name, schema }) => ({ name, type: schema?.type })),
      },
    ];
  });
}

/** Every route the router serves whose operation takes a body, another team's included, read off the OpenAPI document. */
export function bodyRoutesOf(t: TestApp, document: OpenApiDocument): BodyRoute[] {
  return servedRoutes(t.app).flatMap(({ method, path }) => {
    const operation = document.paths[toOpenApiPath(path)]?.[method.toLowerCase()];
    const content = operation?.requestBody?.content;
    if (!operation || !content) return [];
    const fields: BodyRoute['fields'] = {};
    const emailFields = new Set<string>();
    for (const mediaType of ['application/json', 'application/x-www-form-urlencoded'] as const) {
      const properties = schemaProperties(document, content[mediaType]?.schema) as Record<string, { format?: string }>;
      if (Object.keys(properties).length === 0) continue;
      fields[mediaType] = Object.keys(properties);
      for (const [name, property] of Object.entries(properties)) if (property.format === 'email') emailFields.add(name);
    }
    return [
      {
        method,
        path: path.replace(/:\w+/g, '1'),
        secured: (operation.security ?? ['global']).length > 0,
        fields,
        emailFields: [...emailFields],
      },
    ];
  });
}

/** A body of these fields, as JSON (keys kept as given, `__proto__` included) or as a form. */
export const encodeFields = (mediaType: string, body: Record<string, unknown>) =>
  mediaType === 'application/json'
    ? `{${Object.entries(body)
        .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`)
        .join(',')}}`
    : new URLSearchParams(Object.entries(body).map(([key, value]): [string, string] => [key, String(value)])).toString();
