import { isIP } from 'node:net';
import { listItems } from './setting-rules';

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Express's `trust proxy`: off, a hop count, or addresses/subnets of the proxies. */
export function isTrustProxy(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (/^(false|\d{1,2})$/.test(value.trim())) return true;
  return listItems(value).every((item) => {
    if (PROXY_NAMES.has(item)) return true;
    const [address, prefix, extra] = item.split('/');
    const version = isIP(address);
    if (extra !== undefined || version === 0) return false;
    // A /0 would trust every client to name its own address.
    return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (version === 4 ? 32 : 128));
  });
}
