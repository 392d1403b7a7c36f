import { Matches, ValidateBy } from 'class-validator';
import { DURATION_PATTERN } from '../duration';
import { listItems } from './setting-rules';

/** RFC 6749 §2.3.1: the id and the secret of a client are form-urlencoded before they are joined by a colon. */
const INTROSPECTION_CLIENT = /^[A-Za-z0-9._~-]{1,100}:[\x21-\x2b\x2d-\x7e]{32,200}$/;

/** Comma-separated `id:secret` pairs, each id once, each secret 32 printable characters at least (no comma). */
export function isIntrospectionClientList(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const clients = listItems(value);
  const ids = clients.map((client) => client.slice(0, client.indexOf(':')));
  return clients.every((client) => INTROSPECTION_CLIENT.test(client)) && new Set(ids).size === ids.length;
}

/** Refresh tokens, their sessions, and the resource servers that introspect tokens (the oauth namespace). */
export class OAuthSettings {
  // Counted from each rotation: a client unused this long signs in again.
  @Matches(DURATION_PATTERN, { message: 'REFRESH_TOKEN_TTL must be a duration such as 30d or 720h' })
  REFRESH_TOKEN_TTL = '30d';

  // Counted from the login that started the session, whatever its rotations.
  @Matches(DURATION_PATTERN, { message: 'SESSION_MAX_AGE must be a duration such as 90d or 2160h' })
  SESSION_MAX_AGE = '90d';

  // Two tabs that refresh at once: the later one gets a plain 400 instead of ending the session.
  @Matches(DURATION_PATTERN, { message: 'REFRESH_REUSE_GRACE must be a duration such as 10s' })
  REFRESH_REUSE_GRACE = '10s';

  @ValidateBy(
    { name: 'isIntrospectionClientList', validator: { validate: isIntrospectionClientList } },
    {
      message:
        'INTROSPECTION_CLIENTS must be comma-separated id:secret pairs (id: letters, digits, . _ ~ -; secret: 32 printable characters or more, no comma), each id once',
    },
  )
  INTROSPECTION_CLIENTS = '';
}
