import fc from 'fast-check';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { PASSWORD } from './test-app';

/**
 * Arbitraries for requests whose credentials point at a session that changes
 * while the property runs (a run may revoke the token or change the password):
 * they name those values with ⟦placeholders⟧, filled in when a case is sent.
 * A counterexample then stays readable and can be replayed against any session.
 */
const PLACEHOLDERS = [
  'token',
  'tokenTruncated',
  'tokenUpperCased',
  'tokenId',
  'tokenIdHex',
  'tokenIdPadded',
  'csrf',
  'email',
  'password',
  'revokedToken',
  'otherUserToken',
  'otherUserTokenId',
  'otherUserEmail',
] as const;

type Placeholder = (typeof PLACEHOLDERS)[number];
export type LiveValues = Record<Placeholder, string>;

const PLACEHOLDER = new RegExp(`⟦(${PLACEHOLDERS.join('|')})⟧`, 'g');
const live = (name: Placeholder) => `⟦${name}⟧`;

export function fillIn(text: string, values: LiveValues): string {
  return text.replace(PLACEHOLDER, (_match, name: Placeholder) => values[name]);
}

function fillInDeep(value: unknown, values: LiveValues): unknown {
  if (typeof value === 'string') return fillIn(value, values);
  if (Array.isArray(value)) return value.map((item) => fillInDeep(item, values));
  if (typeof value === 'object' && value !== null) {
    // fromEntries defines a `__proto__` key as an own property instead of setting the prototype.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillInDeep(item, values)]));
  }
  return value;
}

export type Body =
  /** No body and no Content-Length: Node's client then sends POST and PATCH chunked, with no chunk. */
  | { kind: 'none' }
  /** Content-Length: 0. */
  | { kind: 'empty' }
  /** A JSON object written key by key, so that duplicate and `__proto__` keys reach the server as typed. */
  | { kind: 'object'; entries: Array<[string, unknown]> }
  /** Any JSON document, mostly not an object. */
  | { kind: 'document'; value: unknown }
  /** Text that is rarely JSON: truncated documents, JSON-like junk, any characters. */
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'form'; entries: Array<[string, string]> }
  /** A form body as typed: broken percent-escapes, too many parameters. */
  | { kind: 'formText'; text: string };

export interface ContentEncoding {
  header: string;
  /** Compress the body as the header says, when it names a real coding. */
  compress: boolean;
}

export interface RequestCase {
  /** Authorization, Cookie and X-CSRF-Token, as name/value pairs (repeats allowed). */
  credentials: Array<[string, string]>;
  /** undefined: the body's own type; null: no Content-Type at all. */
  contentType: string | null | undefined;
  contentEncoding: ContentEncoding | null;
  headers: Array<[string, string]>;
  body: Body;
  /** The `:id` segment, already percent-encoded (or deliberately mis-encoded). */
  pathParameter: string;
  /** A query string, which no route reads (a token there must be ignored). */
  query: string;
}

/** Lets a counterexample shrink to the first, plainest branch: no extra header, the body's own type, and so on. */
const SIMPLEST_FIRST = { withCrossShrink: true };

/** One character of any kind JSON can carry, lone surrogates included, biased towards ASCII. */
const textUnit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  // 'binary' never yields half a surrogate pair: JSON's \ud800 escapes do.
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '\u0000',
      '"',
      '\\',
      '\r',
      '\n',
      '\t',
      '\u2028',
      '\ufeff',
      'ﬀ',
      'e\u0301',
      '%',
      ';',
      '=',
      '&',
      '+',
      '@',
      '.',
    ),
  },
);
const text = (maxLength = 40) => fc.string({ unit: textUnit, maxLength });

/** What Node's HTTP client lets through in a header value: tab, printable ASCII and Latin-1. */
const headerText = fc.string({
  unit: fc
    .oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
      { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
      { weight: 1, arbitrary: fc.constant(0x09) },
    )
    .map((code) => String.fromCharCode(code)),
  maxLength: 60,
});

const nestedArrays = (depth: number): unknown => (depth === 0 ? [] : [nestedArrays(depth - 1)]);

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ stringUnit: textUnit, maxDepth: 3 }) },
  { weight: 2, arbitrary: text() },
  { weight: 2, arbitrary: fc.constantFrom(0, -1, 1.5, 1e308, 2 ** 53, true, false, null, [], {}, '', [''], { $gt: '' }) },
  // Around the 32-level nesting limit and the 16 KiB body limit.
  { weight: 1, arbitrary: fc.integer({ min: 28, max: 40 }).map(nestedArrays) },
  { weight: 1, arbitrary: fc.integer({ min: 15_000, max: 17_000 }).map((length) => 'x'.repeat(length)) },
);

/** Characters that render as nothing, or steer the text around them: no address may hold one. */
export const INVISIBLE_CHARACTERS = ['\u200b', '\u200d', '\u00ad', '\u202e', '\ufeff', '\u2060', '\u180e', '\u3164', '\u2028'];

/** An address with an invisible character somewhere: before, inside the local part or the domain, or after. */
const withInvisibleCharacter = fc
  .tuple(fc.emailAddress(), fc.constantFrom(...INVISIBLE_CHARACTERS), fc.nat())
  .map(([address, character, at]) => {
    const position = at % (address.length + 1);
    return address.slice(0, position) + character + address.slice(position);
  });

const emailText = fc.oneof(
  { weight: 4, arbitrary: fc.emailAddress() },
  { weight: 1, arbitrary: withInvisibleCharacter },
  { weight: 2, arbitrary: fc.constantFrom(live('email'), live('otherUserEmail'), ` ${live('otherUserEmail')} `) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '@',
      'a@b',
      'a@b.c',
      `${'a'.repeat(65)}@example.com`,
      'nul\u0000@example.com',
      '😀@example.com',
      "o'brien@example.com",
      'ｕｓｅｒ@example.com',
      "' OR '1'='1'--@x.io",
    ),
  },
  { weight: 1, arbitrary: fc.tuple(text(20), fc.constantFrom('@example.com', '@x.io', '')).map(([local, domain]) => local + domain) },
  { weight: 1, arbitrary: fc.tuple(fc.emailAddress(), text(12)).map(([address, label]) => address.replace('@', `@${label}.`)) },
);

const passwordText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(PASSWORD, live('password')) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 8, maxLength: 24 }) },
  { weight: 2, arbitrary: text() },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      'x'.repeat(72),
      'x'.repeat(73),
      'é'.repeat(36),
      'é'.repeat(37),
      'password1234',
      '\ud800abcdefghij',
      'abc\u0000defghij',
      'ﬀﬀﬀﬀﬀﬀﬀﬀ',
    ),
  },
);

const BASE64URL = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];

/** Link tokens: well formed but unknown, nearly well formed, and not at all. */
const linkTokenText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 43, maxLength: 43 }).map((secret) => `lnk_${secret}`),
  },
  {
    weight: 2,
    arbitrary: fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 0, maxLength: 60 }).map((secret) => `lnk_${secret}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      'lnk_',
      `lnk_${'A'.repeat(10_240)}`,
      `nat_${'A'.repeat(43)}`,
      `lnk_${'A'.repeat(42)}=`,
      `lnk_${'A'.repeat(42)}\u0000`,
    ),
  },
  { weight: 2, arbitrary: text() },
);

/** The fields the routes read, each with values that often pass validation, and the others DTOs must refuse. */
/** Second-factor codes: 6 digits (TOTP), a recovery code's shape, near misses and junk. */
const mfaCodeText = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^\d{6}$/) },
  { weight: 2, arbitrary: fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/) },
  { weight: 2, arbitrary: fc.stringMatching(/^[0-9a-zOIL -]{0,24}$/) },
  { weight: 1, arbitrary: fc.constantFrom('', '12345', '1234567', 'abcdef', ' 123 456 ', '1'.repeat(64), '1'.repeat(65)) },
  { weight: 1, arbitrary: text() },
);

const mfaTokenText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 43, maxLength: 43 }).map((secret) => `mfa_${secret}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('', 'mfa_', `lnk_${'A'.repeat(43)}`) },
  { weight: 1, arbitrary: text() },
);

const FIELD_VALUES: Partial<Record<string, fc.Arbitrary<string>>> = {
  email: emailText,
  username: emailText,
  password: passwordText,
  currentPassword: passwordText,
  token: linkTokenText,
  code: mfaCodeText,
  mfaToken: mfaTokenText,
  grant_type: fc.oneof(fc.constantFrom('password', 'PASSWORD', 'client_credentials', ''), text(10)),
  scope: text(),
  client_id: text(),
  client_secret: text(),
};
const base64urlText = (maxLength: number) => fc.string({ unit: fc.constantFrom(...BASE64URL), maxLength });
/** Client data as a browser would encode it: a challenge nobody issued, the right or a wrong origin and type. */
const clientDataText = fc
  .record({
    type: fc.constantFrom('webauthn.get', 'webauthn.create', 'payment.get'),
    challenge: fc.oneof(base64urlText(43), text()),
    origin: fc.constantFrom('http://localhost:3000', 'https://evil.example', ''),
  })
  .map((clientData) => Buffer.from(JSON.stringify(clientData)).toString('base64url'));

/** A WebAuthn `response` as @simplewebauthn/browser shapes it, with its parts random, missing or of the wrong type. */
const webAuthnResponse = fc.record(
  {
    id: fc.oneof(base64urlText(64), text()),
    rawId: fc.oneof(base64urlText(64), text()),
    type: fc.constantFrom('public-key', 'password', ''),
    response: fc.oneof(
      fc.record(
        {
          clientDataJSON: fc.oneof(clientDataText, base64urlText(200), anyValue),
          attestationObject: fc.oneof(base64urlText(400), anyValue),
          authenticatorData: fc.oneof(base64urlText(200), anyValue),
          signature: fc.oneof(base64urlText(100), anyValue),
          userHandle: fc.oneof(base64urlText(43), anyValue),
          transports: fc.oneof(fc.array(fc.constantFrom('internal', 'usb', 'hybrid', '', 'x'.repeat(40))), anyValue),
        },
        { requiredKeys: [] },
      ),
      anyValue,
    ),
    clientExtensionResults: fc.oneof(fc.constant({}), anyValue),
  },
  { requiredKeys: [] },
);

/** Fields whose values are structured, in JSON bodies. */
const JSON_FIELD_VALUES: Partial<Record<string, fc.Arbitrary<unknown>>> = { response: webAuthnResponse };

/** Names every plain object answers to: an unknown-field check that looks fields up in one lets them through. */
export const OBJECT_PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype);

const STRAY_KEYS = [
  'prototype',
  'id',
  'isActive',
  'role',
  'isAdmin',
  ...OBJECT_PROTOTYPE_KEYS,
  ...Object.keys(FIELD_VALUES),
  ...Object.keys(JSON_FIELD_VALUES),
];

/** A field the fuzzer has no special values for (another module's): any text, or anything at all. */
const fieldValue = (field: string): fc.Arbitrary<unknown> =>
  fc.oneof(
    SIMPLEST_FIRST,
    { weight: 6, arbitrary: JSON_FIELD_VALUES[field] ?? FIELD_VALUES[field] ?? text() },
    { weight: 1, arbitrary: anyValue },
  );

/** Mostly the route's own fields; sometimes a missing one, a stray or repeated key. */
function entries<T>(fields: readonly string[], valueOf: (field: string) => fc.Arbitrary<T>, stray: fc.Arbitrary<T>) {
  const own = fc.tuple(...fields.map((field) => fc.option(fc.tuple(fc.constant(field), valueOf(field)), { freq: 6 })));
  const strays = fc.oneof(
    SIMPLEST_FIRST,
    { weight: 3, arbitrary: fc.constant([]) },
    { weight: 1, arbitrary: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...STRAY_KEYS), text(12)), stray), { minLength: 1, maxLength: 3 }) },
  );
  return fc.tuple(own, strays).map(([present, extra]) => [...present.filter((entry) => entry !== null), ...extra]);
}

export const NATURAL_CONTENT_TYPES: Record<Body['kind'], string | null> = {
  none: null,
  empty: null,
  object: 'application/json',
  document: 'application/json',
  text: 'application/json',
  bytes: 'application/json',
  form: 'application/x-www-form-urlencoded',
  formText: 'application/x-www-form-urlencoded',
};

const formText = fc.oneof(
  fc.stringMatching(/^([a-z_]{1,10}=(%[0-9A-Fa-fz]{0,2}|[a-z0-9+@.])*&?){1,4}$/),
  fc.constantFrom(
    'a=1&'.repeat(25),
    `username=${live('otherUserEmail')}&password=%ED%A0%80abcdefgh`,
    `username=${live('otherUserEmail')}&password=%FF%FE%FD%FCabcd`,
    `username=${live('otherUserEmail')}&username=${live('email')}&password=x`,
    'username[]=a&password[x]=b',
    '&&&=&=',
  ),
);

/** Bodies for a route reading `jsonFields` (and `formFields` from a form); routes without a body get mostly none. */
export function bodies(jsonFields: readonly string[], formFields: readonly string[] = []): fc.Arbitrary<Body> {
  const truncatedJson = fc
    .tuple(fc.json({ stringUnit: textUnit, maxDepth: 2 }), fc.nat())
    .map(([json, cut]) => json.slice(0, cut % (json.length + 1)));
  const junk = fc.constantFrom(
    '',
    ' ',
    '{',
    '{"email":',
    '{"a":1}}',
    '{"email":"a@b.co",}',
    '\ufeff{}',
    "{'email':'x'}",
    'NaN',
    '{"__proto__":{"x":1}}',
    '[]',
    'null',
  );
  return fc.oneof(
    SIMPLEST_FIRST,
    { weight: jsonFields.length > 0 ? 1 : 3, arbitrary: fc.constant<Body>({ kind: 'none' }) },
    { weight: jsonFields.length > 0 ? 1 : 3, arbitrary: fc.constant<Body>({ kind: 'empty' }) },
    { weight: 12, arbitrary: entries(jsonFields, fieldValue, anyValue).map((list): Body => ({ kind: 'object', entries: list })) },
    { weight: 1, arbitrary: anyValue.map((value): Body => ({ kind: 'document', value })) },
    { weight: 1, arbitrary: fc.oneof(text(), truncatedJson, junk).map((raw): Body => ({ kind: 'text', text: raw })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes): Body => ({ kind: 'bytes', bytes })) },
    {
      weight: formFields.length > 0 ? 4 : 1,
      arbitrary: entries(formFields, (field) => FIELD_VALUES[field] ?? text(), text()).map((list): Body => ({
        kind: 'form',
        entries: list,
      })),
    },
    { weight: 1, arbitrary: formText.map((raw): Body => ({ kind: 'formText', text: raw })) },
  );
}

/** Every byte that is not unreserved (RFC 3986), percent-encoded: unlike encodeURIComponent, never throws on a lone surrogate. */
function percentEncode(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

export function renderBody(body: Body, values: LiveValues): Buffer | undefined {
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'empty':
      return Buffer.alloc(0);
    case 'object':
      return Buffer.from(
        `{${body.entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(fillInDeep(value, values))}`).join(',')}}`,
      );
    case 'document':
      return Buffer.from(JSON.stringify(fillInDeep(body.value, values)));
    case 'text':
    case 'formText':
      return Buffer.from(fillIn(body.text, values));
    case 'bytes':
      return Buffer.from(body.bytes);
    case 'form':
      return Buffer.from(body.entries.map(([key, value]) => `${percentEncode(key)}=${percentEncode(fillIn(value, values))}`).join('&'));
  }
}

const COMPRESSORS: Record<string, (bytes: Buffer) => Buffer> = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };

export function encodeBody(bytes: Buffer, encoding: ContentEncoding | null): Buffer {
  const compress = encoding?.compress ? COMPRESSORS[encoding.header] : undefined;
  return compress ? compress(bytes) : bytes;
}

/** A token of the right shape: `nat_`, 43 base64url characters and 6 more (a checksum that rarely matches). */
const tokenShaped = fc.stringMatching(/^nat_[A-Za-z0-9_-]{49}$/);

const tokenish = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      live('token'),
      live('tokenTruncated'),
      live('tokenUpperCased'),
      live('revokedToken'),
      live('otherUserToken'),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      `${live('token')}x`,
      `${live('token')}=`,
      `${live('token')} ${live('token')}`,
      `"${live('token')}"`,
      live('csrf'),
    ),
  },
  { weight: 2, arbitrary: tokenShaped },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9\-._~+/]+=*$/) },
  { weight: 1, arbitrary: headerText },
);

const authorization = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'Token', 'Bearer:', ''),
        fc.constantFrom(' ', '  ', '\t', '', ' \t'),
        tokenish,
      )
      .map(([scheme, separator, token]) => scheme + separator + token),
  },
  { weight: 1, arbitrary: headerText },
);

const cookieName = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('__Host-session', '__Host-csrf', '__host-session', 'session', '__Secure-session', '__Host-session '),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/) },
);
const csrfShaped = fc.stringMatching(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
const cookieHeader = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.array(fc.tuple(cookieName, fc.oneof(tokenish, fc.constant(live('csrf')), csrfShaped)), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('; ', ';', ', ', ';;'),
      )
      .map(([pairs, separator]) => pairs.map(([name, value]) => `${name}=${value}`).join(separator)),
  },
  { weight: 1, arbitrary: headerText },
);
const csrfHeader = fc.oneof(fc.constant(live('csrf')), csrfShaped, headerText);

const SESSION_COOKIES = `__Host-session=${live('token')}; __Host-csrf=${live('csrf')}`;

/**
 * Half valid bearer tokens, so that guarded routes reach their pipes and
 * handlers; some valid cookie sessions, with the CSRF token right or fuzzed;
 * the rest any mix of Authorization, Cookie and X-CSRF-Token headers.
 */
const credentials: fc.Arbitrary<Array<[string, string]>> = fc.oneof(
  SIMPLEST_FIRST,
  { weight: 10, arbitrary: fc.constant<Array<[string, string]>>([['Authorization', `Bearer ${live('token')}`]]) },
  {
    weight: 3,
    arbitrary: fc.constant<Array<[string, string]>>([
      ['Cookie', SESSION_COOKIES],
      ['X-CSRF-Token', live('csrf')],
    ]),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(csrfHeader, { maxLength: 2 })
      .map((tokens): Array<[string, string]> => [
        ['Cookie', SESSION_COOKIES],
        ...tokens.map((token): [string, string] => ['X-CSRF-Token', token]),
      ]),
  },
  {
    weight: 5,
    arbitrary: fc.array(
      fc.oneof(
        fc.tuple(fc.constant('Authorization'), authorization),
        fc.tuple(fc.constant('Cookie'), cookieHeader),
        fc.tuple(fc.constant('X-CSRF-Token'), csrfHeader),
      ),
      { maxLength: 3 },
    ),
  },
);

const header: fc.Arbitrary<[string, string]> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.tuple(
      fc.constant('Origin'),
      fc.oneof(fc.constantFrom('null', 'https://evil.example', 'http://127.0.0.1', ''), fc.webUrl(), headerText),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(
      fc.constant('Sec-Fetch-Site'),
      fc.oneof(fc.constantFrom('same-origin', 'none', 'same-site', 'cross-site'), headerText),
    ),
  },
  { weight: 2, arbitrary: fc.tuple(fc.constant('X-Forwarded-For'), fc.oneof(fc.ipV4(), fc.ipV6(), headerText)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('Accept', 'Accept-Charset', 'Accept-Encoding', 'User-Agent', 'Referer'), headerText) },
  { weight: 1, arbitrary: fc.tuple(fc.stringMatching(/^X-[A-Za-z0-9-]{1,16}$/), headerText) },
  // A second Authorization, Cookie or CSRF header on top of the credentials.
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('Authorization', 'Cookie', 'X-CSRF-Token'), headerText) },
);

const contentType = fc.oneof(
  SIMPLEST_FIRST,
  { weight: 20, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json;charset=UTF8',
      'APPLICATION/JSON',
      'application/vnd.api+json',
      'application/merge-patch+json',
      'application/json; charset=latin1',
      'application/json; charset="utf-8"',
      'application/json; charset=',
      'application/json; =;',
      'application/json, text/plain',
      'application/jsonx',
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=iso-8859-1',
      'text/plain',
      'multipart/form-data; boundary=x',
    ),
  },
  { weight: 1, arbitrary: headerText },
);

const contentEncoding = fc.oneof(
  SIMPLEST_FIRST,
  { weight: 9, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.record({
      header: fc.oneof(fc.constantFrom('identity', 'gzip', 'deflate', 'br', 'GZIP', 'gzip, identity', 'x-squash'), headerText),
      compress: fc.boolean(),
    }),
  },
);

/** A path segment for `:id`: numbers around the id range, our own and another user's ids, any text, broken escapes. */
const pathParameter = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      live('tokenId'),
      live('otherUserTokenId'),
      // The live id written otherwise: the same number to Number(), never to the service.
      live('tokenIdHex'),
      live('tokenIdPadded'),
      `%20${live('tokenId')}`,
      `+${live('tokenId')}`,
      '1e1',
      '0',
      '-1',
      '1.0',
      '1e3',
      '0x1',
      '01',
      '4294967295',
      '4294967296',
      '99999999999',
      '%20',
      '%00',
      '1%00',
      '+1',
      '..',
    ),
  },
  { weight: 2, arbitrary: fc.oneof(fc.nat(), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n })).map(String) },
  { weight: 3, arbitrary: text().map(percentEncode) },
  { weight: 1, arbitrary: fc.stringMatching(/^(%[0-9A-Fa-fGz]{0,2}|[A-Za-z0-9._~-]){1,8}$/) },
);

/** Numbers for the numeric query parameters: canonical ones, and the spellings Number() reads as numbers too. */
const queryNumber = fc.oneof(
  fc.constantFrom('10', '1', '100', '0x10', '1e1', '+5', '%2010', '010', '10.0', '-1', '', '1&limit=2'),
  fc.nat().map(String),
);

const query = fc.oneof(
  SIMPLEST_FIRST,
  { weight: 6, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constant(`access_token=${live('token')}`) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_=&%.~+[\]-]{1,30}$/) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('limit', 'userId'), queryNumber).map(([name, value]) => `${name}=${value}`) },
  // What a provider flow's start and callback read, each with any text (docs/bad-inputs.md rows 39 and 40).
  {
    weight: 2,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.constantFrom('state', 'code', 'error', 'error_description', 'mode', 'redirectTo', 'codeChallenge', 'link'),
          fc.oneof(text(), fc.constantFrom('token', 'cookie', 'access_denied', '//evil.example', 'http://localhost:3000/')),
        ),
        { minLength: 1, maxLength: 3 },
      )
      .map((pairs) => pairs.map(([name, value]) => `${name}=${percentEncode(value)}`).join('&')),
  },
);

export function requestCases(body: fc.Arbitrary<Body>): fc.Arbitrary<RequestCase> {
  return fc.record({
    credentials,
    contentType,
    contentEncoding,
    headers: fc.oneof(
      SIMPLEST_FIRST,
      { weight: 2, arbitrary: fc.constant<Array<[string, string]>>([]) },
      { weight: 3, arbitrary: fc.array(header, { minLength: 1, maxLength: 3 }) },
    ),
    body,
    pathParameter,
    query,
  });
}

/** The string the server read for `field` (the last of repeated JSON keys), to follow a change the request made. */
export function sentString(body: Body, values: LiveValues, field: string): string | undefined {
  if (body.kind !== 'object' && body.kind !== 'form') return undefined;
  const value = body.entries.filter(([key]) => key === field).pop()?.[1];
  const filled = fillInDeep(value, values);
  return typeof filled === 'string' ? filled : undefined;
}
