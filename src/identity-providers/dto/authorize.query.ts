import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { MaxCodePoints } from '../../common/validation/text-length.decorator';
import { CODE_CHALLENGE } from '../../common/crypto/pkce';

export const REDIRECT_TO_MAX_LENGTH = 2048;

/** How `GET /auth/providers/:id/authorize` starts a flow: by the app's choice, or by a linking URL's secret. */
export class AuthorizeQuery {
  @ApiPropertyOptional({
    enum: ['cookie', 'token'],
    description: 'cookie (the default): the flow ends with the session cookies; token: with a one-time #code for the app',
  })
  @IsOptional()
  @IsIn(['cookie', 'token'])
  mode?: 'cookie' | 'token';

  @ApiPropertyOptional({
    description: "An absolute URL on APP_URL's origin or one of CORS_ORIGINS; default APP_URL/",
    example: 'http://localhost:3000/signed-in',
  })
  @IsOptional()
  @IsString()
  @MaxCodePoints(REDIRECT_TO_MAX_LENGTH)
  redirectTo?: string;

  @ApiPropertyOptional({
    description: "mode=token: the base64url SHA-256 of the app's code verifier (RFC 7636 S256), 43 characters",
    example: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  })
  @IsOptional()
  @IsString()
  @Matches(CODE_CHALLENGE, { message: 'codeChallenge must be 43 base64url characters (RFC 7636 S256)' })
  codeChallenge?: string;

  @ApiPropertyOptional({ description: 'The secret of a linking URL (POST /auth/identities gives the whole URL)' })
  @IsOptional()
  @IsString()
  @MaxCodePoints(100)
  link?: string;
}
