import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { json, NextFunction, raw, Request, RequestHandler, Response, urlencoded } from 'express';
import { DomainError } from '../errors/domain-error';

/** Far above any legitimate body here (passwords stop at 72 bytes), far below harm. */
export const MAX_BODY_BYTES = 16 * 1024;
const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export const isFormContentType = (contentType = '') => /^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType);
export const isJsonContentType = (contentType = '') => /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType);
const isJson = (req: IncomingMessage) => isJsonContentType(req.headers['content-type']);
const isForm = (req: IncomingMessage) => isFormContentType(req.headers['content-type']);

/** JSON is UTF-8 (RFC 8259 §8.1): other declared charsets are refused rather than guessed at. */
function declaresOtherCharset(req: IncomingMessage): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1];
  return charset !== undefined && !/^utf-?8$/i.test(charset);
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The keys of a form body as sent, before the parser dropped any. */
const sentFormKeys = new WeakMap<IncomingMessage, string[]>();

function assertNoForbiddenKey(keys: Iterable<string>): void {
  for (const key of keys) {
    if (FORBIDDEN_KEYS.has(key)) throw DomainError.invalidFields([{ field: key, message: 'is a forbidden key' }]);
  }
}

/**
 * Rejects bodies that parse but could hurt later stages: nesting deep enough to
 * exhaust the transformer's recursion, and `__proto__`/`constructor` keys that
 * would reach a DTO's prototype when copied onto it.
 */
function assertSafeShape(root: unknown): void {
  const pending: Array<[unknown, number]> = [[root, 1]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_DEPTH) {
      throw DomainError.invalidFields([{ field: 'body', message: `must not be nested more than ${MAX_DEPTH} levels deep` }]);
    }
    assertNoForbiddenKey(Object.keys(value));
    for (const key of Object.keys(value)) pending.push([(value as Record<string, unknown>)[key], depth + 1]);
  }
}

/**
 * Parses JSON and URL-encoded form bodies inside Nest's pipeline, so that parse
 * errors reach the global exception filter like every other error. Any other
 * body type is refused with 415.
 */
@Injectable()
export class BodyParserMiddleware implements NestMiddleware {
  private readonly parseJson = json({ limit: MAX_BODY_BYTES, strict: true, type: isJson });
  private readonly parseForm = urlencoded({
    limit: MAX_BODY_BYTES,
    extended: false,
    parameterLimit: 20,
    type: isForm,
    // The parser (qs) drops a `__proto__` key without a word: the keys as sent are kept to refuse it. A body with
    // neither `%` nor the name itself cannot hold one, and is not parsed twice (a token introspection's, mostly).
    verify: (req, _res, bytes) =>
      sentFormKeys.set(
        req,
        bytes.includes('%') || bytes.includes('__proto__') ? [...new URLSearchParams(bytes.toString('utf8')).keys()] : [],
      ),
  });
  private readonly readUntyped = raw({ limit: MAX_BODY_BYTES, type: () => true });

  use(req: Request, res: Response, next: NextFunction): void | Promise<void> {
    // Most guarded requests are bodiless reads: they skip the promise as well as the parsers.
    if (!hasBody(req)) return next();
    return this.parse(req, res).then(() => next());
  }

  private async parse(req: Request, res: Response): Promise<void> {
    if (declaresOtherCharset(req)) {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as UTF-8');
    }
    if (isJson(req)) {
      await this.run(this.parseJson, req, res);
    } else if (isForm(req)) {
      await this.run(this.parseForm, req, res);
      assertNoForbiddenKey(sentFormKeys.get(req) ?? []);
    } else if (req.headers['content-type'] === undefined) {
      await this.assertEmpty(req, res);
    } else {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE');
    }
    assertSafeShape(req.body);
  }

  /**
   * Some clients (Node's own http) send a bodiless POST as chunked with no
   * chunk: that is no body. Any byte without a declared type is refused.
   */
  private async assertEmpty(req: Request, res: Response): Promise<void> {
    await this.run(this.readUntyped, req, res);
    if (Buffer.isBuffer(req.body) && req.body.length > 0) throw new DomainError('UNSUPPORTED_MEDIA_TYPE');
    req.body = undefined;
  }

  private run(parser: RequestHandler, req: Request, res: Response): Promise<void> {
    return new Promise((resolve, reject) =>
      // Express's parsers hand over http-errors (Errors with a status), which the exception filter reads.
      parser(req, res, (error?: unknown) =>
        error === undefined ? resolve() : reject(error instanceof Error ? error : new Error('body parser failed')),
      ),
    );
  }
}
