import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, Matches, ValidateBy } from 'class-validator';
import { HTTP_URL, IsIntegerSetting, toBoolean } from './setting-rules';
import { isTrustProxy } from './trust-proxy';
import { isOriginList } from './web-origins';

/** The HTTP server: its port, deadlines and connections, CORS and proxies (the http namespace). */
export class ServerSettings {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsIntegerSetting(0, 65535)
  PORT = 3000;

  // The service's own external base URL: the issuer of its OAuth metadata. Empty: http://localhost:<PORT>.
  @IsOptional()
  @Matches(HTTP_URL, {
    message: 'PUBLIC_URL must be an http(s) URL with no query or fragment, such as https://auth.example.com',
  })
  PUBLIC_URL?: string;

  // The service's own account pages (sign-in, the mailed links, the account); false: their paths answer 404.
  @Transform(toBoolean)
  @IsBoolean()
  ACCOUNT_PAGES = true;

  @IsIntegerSetting(0, 600_000)
  REQUEST_TIMEOUT_MS = 10_000;

  // A client gets this long to send its request's headers, and a new connection to begin sending them.
  @IsIntegerSetting(1000, 600_000)
  HEADERS_TIMEOUT_MS = 5000;

  @IsIntegerSetting(1000, 600_000)
  KEEP_ALIVE_TIMEOUT_MS = 5000;

  @IsIntegerSetting(1, 1_000_000)
  MAX_CONNECTIONS = 1000;

  @ValidateBy(
    { name: 'isOriginList', validator: { validate: isOriginList } },
    {
      message: 'CORS_ORIGINS must be a comma-separated list of origins such as https://app.example.com (no path, no *, no null)',
    },
  )
  CORS_ORIGINS = '';

  @ValidateBy(
    { name: 'isTrustProxy', validator: { validate: isTrustProxy } },
    {
      message: 'TRUST_PROXY must be false, a hop count, or a comma-separated list of proxy addresses/subnets (or loopback)',
    },
  )
  TRUST_PROXY = 'false';
}
