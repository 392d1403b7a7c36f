import { ApiProperty } from '@nestjs/swagger';

/** The CSRF token of the caller's cookie session, to echo in `X-CSRF-Token`. */
export class CsrfTokenResponse {
  @ApiProperty({ description: 'Send it back in X-CSRF-Token on every cookie-authenticated write' })
  csrfToken!: string;
}
