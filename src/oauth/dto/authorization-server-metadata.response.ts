import { ApiProperty } from '@nestjs/swagger';

/** RFC 8414 §2, for the endpoints this service has. */
export class AuthorizationServerMetadataResponse {
  @ApiProperty({ description: 'PUBLIC_URL', example: 'https://auth.example.com' })
  issuer!: string;
  @ApiProperty()
  token_endpoint!: string;
  @ApiProperty()
  revocation_endpoint!: string;
  @ApiProperty()
  introspection_endpoint!: string;
  @ApiProperty({ example: ['password', 'refresh_token'] })
  grant_types_supported!: string[];
  @ApiProperty({ example: ['account', 'admin', 'offline_access'] })
  scopes_supported!: string[];
  @ApiProperty({ example: [], description: 'No authorization endpoint: no response type' })
  response_types_supported!: string[];
  @ApiProperty({ example: ['none'], description: 'Public clients: none is registered' })
  token_endpoint_auth_methods_supported!: string[];
  @ApiProperty({ example: ['none'] })
  revocation_endpoint_auth_methods_supported!: string[];
  @ApiProperty({ example: ['client_secret_basic'] })
  introspection_endpoint_auth_methods_supported!: string[];
}
