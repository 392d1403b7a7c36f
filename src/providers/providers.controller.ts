import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth';
import { identityProvidersConfig, IdentityProvidersConfig } from '../config/app.config';
import { IdentityProviderResponse } from './dto/identity-provider.response';

/** Sign-in with external identity providers: the providers configured (IDENTITY_PROVIDERS). */
@ApiTags('Identity providers')
@Controller('auth/providers')
export class ProvidersController {
  private readonly listed: IdentityProviderResponse[];

  constructor(@Inject(identityProvidersConfig.KEY) config: IdentityProvidersConfig) {
    this.listed = config.providers.map(({ id, name }) => ({ id, name }));
  }

  @ApiOperation({ summary: 'The identity providers a person may sign in with, in the order of IDENTITY_PROVIDERS' })
  @ApiOkResponse({ type: [IdentityProviderResponse] })
  @Public()
  @Get()
  list(): IdentityProviderResponse[] {
    return this.listed;
  }
}
