import { Module } from '@nestjs/common';
import { ProvidersController } from './providers.controller';

/** Sign-in with external identity providers (OpenID Connect, GitHub): so far the list of those configured. */
@Module({ controllers: [ProvidersController] })
export class ProvidersModule {}
