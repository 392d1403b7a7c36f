import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/internal';
import { AuthorizationServerMetadataController } from './authorization-server-metadata.controller';
import { OAuthController } from './oauth.controller';

/** OAuth 2.0 for clients and other services: revocation, introspection, the server's metadata. */
@Module({
  imports: [AuthModule],
  controllers: [OAuthController, AuthorizationServerMetadataController],
})
export class OAuthModule {}
