import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

/** The token of a mailed link, as the page that opened it read it from the URL's fragment. */
export class LinkTokenRequest {
  // Any string: a malformed one is INVALID_LINK like an unknown one, not a validation error.
  @ApiProperty({ description: 'The token from the link (after #token=)', example: 'lnk_...' })
  @IsString()
  token!: string;
}
