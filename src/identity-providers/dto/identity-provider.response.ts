import { ApiProperty } from '@nestjs/swagger';

/** A configured identity provider, as a sign-in page shows it: never its client id, secret or endpoints. */
export class IdentityProviderResponse {
  @ApiProperty({ description: 'Its id in IDENTITY_PROVIDERS, and in its paths', example: 'google' })
  id!: string;

  @ApiProperty({ description: 'IDP_<ID>_NAME, or the id', example: 'Google' })
  name!: string;
}
