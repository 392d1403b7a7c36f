import { ApiProperty } from '@nestjs/swagger';

export class AuthorizationUrlResponse {
  @ApiProperty({
    description: 'A URL on this service: opened in the browser within 10 minutes, once, it links the provider’s identity to the caller',
  })
  authorizationUrl!: string;
}
