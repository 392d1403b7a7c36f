import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Express, NextFunction, Request, Response } from 'express';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { httpConfig, HttpConfig } from '../config/app.config';

/** The pages' own files only: no inline script or style, no eval, no other origin, no framing. */
const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Each page by its path (those of the mailed links are APP_URL/verify-email#token=... and the like):
 * `assets/<page>.page.html` holds its content (its first line `<!-- title: ... -->`), set
 * in `layout.html` with its script `<page>.js`.
 */
const PAGES: Readonly<Record<string, string>> = {
  '/': 'sign-in',
  '/register': 'register',
  '/account': 'account',
  '/verify-email': 'verify-email',
  '/confirm-email': 'confirm-email',
  '/reset-password': 'reset-password',
};
const TITLE_LINE = /^<!-- title: (.+) -->\n/;
/** Where the pages' scripts and styles are served from. */
const ASSETS_PATH = '/pages';
/** Where the installed @simplewebauthn/browser's ES modules are served from, for the passkey buttons. */
const WEBAUTHN_PATH = `${ASSETS_PATH}/simplewebauthn`;

/** The routes of the pages, which are no API routes: outside the OpenAPI document and the route-access rules. */
export const ACCOUNT_PAGE_ROUTES: readonly string[] = [...Object.keys(PAGES), `${ASSETS_PATH}/:file`, `${WEBAUTHN_PATH}/*module`];

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The service's own account pages (ACCOUNT_PAGES, on by default): plain
 * HTML, CSS and ES modules from `assets/`, read once at start-up and served
 * with a CSP of their own. They are pages, not API routes: mounted on the
 * HTTP server during init like the API docs (after Nest's middleware, so they
 * get the security headers and request logs; before its not-found handler),
 * outside the OpenAPI document. Off, their paths answer 404 like any unknown path.
 */
@Injectable()
export class AccountPages implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(httpConfig.KEY) private readonly config: HttpConfig,
  ) {}

  onModuleInit(): void {
    if (!this.config.accountPages) return;
    const folder = join(__dirname, 'assets');
    const files = new Map(readdirSync(folder).map((name) => [name, readFileSync(join(folder, name))]));
    const server = this.adapterHost.httpAdapter.getInstance<Express>();
    for (const [path, page] of Object.entries(PAGES)) {
      const html = composePage(String(files.get('layout.html')), page, String(files.get(`${page}.page.html`)));
      server.get(path, (_request: Request, response: Response) => send(response, 'page.html', html));
    }
    server.get(`${ASSETS_PATH}/:file`, (request: Request, response: Response, next: NextFunction) => {
      const file = request.params.file;
      const content = typeof file === 'string' && extname(file) !== '.html' ? files.get(file) : undefined;
      if (content === undefined) return next();
      send(response, file as string, content);
    });
    // Read once like the pages' own files, so a path is only ever a key of this map, never a path on disk.
    const webAuthnModules = moduleFiles(join(dirname(require.resolve('@simplewebauthn/browser')), '..', 'esm'));
    server.get(`${WEBAUTHN_PATH}/*module`, (request: Request, response: Response, next: NextFunction) => {
      const module = (request.params as Record<string, unknown>).module;
      const content = Array.isArray(module) ? webAuthnModules.get(module.join('/')) : undefined;
      if (content === undefined) return next();
      send(response, 'module.js', content);
    });
  }
}

/** The `.js` files under `folder`, by their path relative to it. */
function moduleFiles(folder: string): Map<string, Buffer> {
  const entries = readdirSync(folder, { recursive: true, withFileTypes: true });
  return new Map(
    entries
      .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return [path.slice(folder.length + 1), readFileSync(path)];
      }),
  );
}

/** A page: its content in the layout, with its title and script. The files are the service's own: no input reaches them. */
function composePage(layout: string, page: string, content: string): Buffer {
  const title = TITLE_LINE.exec(content)?.[1];
  if (!title) throw new Error(`assets/${page}.page.html must begin with <!-- title: ... -->`);
  const filled: Record<string, string> = { title, page, content: content.replace(TITLE_LINE, '').trimEnd() };
  return Buffer.from(layout.replace(/\{\{(\w+)\}\}/g, (_match, key: string) => filled[key]));
}

function send(response: Response, file: string, content: Buffer): void {
  response.setHeader('Content-Security-Policy', PAGE_CONTENT_SECURITY_POLICY);
  response.setHeader('Content-Type', CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
  response.end(content);
}
