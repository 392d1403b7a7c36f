import type { IncomingMessage } from 'node:http';

/**
 * Every value of a request header as sent. Node keeps only the first of some
 * repeated headers (Authorization) and joins others with commas (Origin,
 * X-CSRF-Token): a security decision must see the repetition and refuse it.
 */
export function rawHeaderValues(request: IncomingMessage, lowerCaseName: string): string[] {
  const values: string[] = [];
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === lowerCaseName.length && raw[i].toLowerCase() === lowerCaseName) values.push(raw[i + 1]);
  }
  return values;
}

/**
 * Every value of the cookie `name`, undecoded, across all Cookie headers.
 * Duplicates are kept so that callers can refuse them: a sibling subdomain can
 * plant a second cookie of the same name (cookie tossing).
 */
export function cookieValues(request: IncomingMessage, name: string): string[] {
  const values: string[] = [];
  for (const header of rawHeaderValues(request, 'cookie')) {
    for (const pair of header.split(';')) {
      const separator = pair.indexOf('=');
      if (separator > 0 && pair.slice(0, separator).trim() === name) values.push(pair.slice(separator + 1).trim());
    }
  }
  return values;
}
