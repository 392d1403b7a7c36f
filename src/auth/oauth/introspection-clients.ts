import { Inject, Injectable } from '@nestjs/common';
import { hash, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../../common/errors/domain-error';
import { oauthConfig, OAuthConfig } from '../../config/app.config';
import { IntrospectionClientAttempts } from './introspection-client-attempts';

/** Longer than any configured id and secret: a 10 KB header is refused before it is decoded. */
const MAX_CREDENTIALS_LENGTH = 1024;
const BASIC = /^Basic ([A-Za-z0-9+/]+={0,2})$/i;

// The one-shot hash: a resource server authenticates on every call.
const digest = (text: string) => hash('sha256', text, 'buffer');

function decodeComponent(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * The resource servers of INTROSPECTION_CLIENTS, authenticated by HTTP Basic
 * (`client_secret_basic`: id and secret form-urlencoded, then joined by a
 * colon, RFC 6749 §2.3.1). Secrets are compared by their SHA-256 digests
 * with timingSafeEqual, and an unknown id is compared against a digest of
 * nothing, so the time of a refusal says nothing about which part was wrong.
 */
@Injectable()
export class IntrospectionClients {
  private readonly secretDigests: ReadonlyMap<string, Buffer>;
  private readonly noSecret = digest('');

  constructor(
    private readonly failures: IntrospectionClientAttempts,
    @Inject(oauthConfig.KEY) config: OAuthConfig,
  ) {
    this.secretDigests = new Map([...config.introspectionClients].map(([id, secret]) => [id, digest(secret)]));
  }

  /** The id of the resource server that sent `authorization`; 401 UNAUTHENTICATED (with `WWW-Authenticate: Basic`) or 429 otherwise. */
  authenticate(authorization: string | undefined, clientAddress: string): string {
    this.failures.assertAllowed(clientAddress);
    const credentials = this.credentialsOf(authorization);
    const stored = credentials ? this.secretDigests.get(credentials.id) : undefined;
    const secretMatches = timingSafeEqual(digest(credentials?.secret ?? ''), stored ?? this.noSecret);
    if (credentials && stored && secretMatches) return credentials.id;
    this.failures.failed(clientAddress);
    throw DomainError.withHeaders('UNAUTHENTICATED', { 'WWW-Authenticate': 'Basic realm="introspection", charset="UTF-8"' });
  }

  private credentialsOf(authorization: string | undefined): { id: string; secret: string } | null {
    if (!authorization || authorization.length > MAX_CREDENTIALS_LENGTH) return null;
    const encoded = BASIC.exec(authorization.trim())?.[1];
    if (!encoded) return null;
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    const id = decodeComponent(decoded.slice(0, colon));
    const secret = decodeComponent(decoded.slice(colon + 1));
    return id === null || secret === null ? null : { id, secret };
  }
}
