import { Transform } from 'class-transformer';
import { IsBoolean, MinLength, ValidateIf } from 'class-validator';
import { toBoolean } from './setting-rules';

/** Cookie sessions and their CSRF tokens (the session namespace). */
export class SessionSettings {
  /** The server's NODE_ENV, read for the rules that tighten in production. */
  declare NODE_ENV?: string;

  @Transform(toBoolean)
  @IsBoolean()
  SESSION_COOKIE_SECURE = true;

  // Without it a random key per process signs CSRF tokens: fine for one process, wrong for several.
  @ValidateIf((settings: SessionSettings) => settings.NODE_ENV === 'production' || settings.CSRF_SECRET !== '')
  @MinLength(32, { message: 'CSRF_SECRET must be at least 32 characters (required when NODE_ENV=production)' })
  CSRF_SECRET = '';
}
