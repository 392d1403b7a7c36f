import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { MaxCodePoints } from '../../common/validation/text-length.decorator';

/** The one-time `#code` of a token-mode flow, with the verifier of the app that started it. */
export class ProviderTokenRequest {
  @ApiProperty({ description: 'The #code the callback gave the app' })
  @IsString()
  @MaxCodePoints(100)
  code!: string;

  @ApiProperty({ description: 'The app’s PKCE code verifier (RFC 7636), 43 to 128 characters' })
  @IsString()
  @MaxCodePoints(128)
  codeVerifier!: string;
}
