import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AddsCredential, ApiErrors, AuthContext, CurrentSession, RequireScopes } from '../auth';
import { IdentitiesService, IdentityProviderClients, PasswordConfirmationService, ProviderFlows } from '../auth/internal';
import { Client, RequestClient } from '../common/http/request-client.decorator';
import { RowIdPipe } from '../common/http/row-id.pipe';
import { httpConfig, HttpConfig } from '../config/app.config';
import { AuthorizationUrlResponse } from './dto/authorization-url.response';
import { IdentityResponse, toIdentityResponse } from './dto/identity.response';
import { LinkIdentityRequest } from './dto/link-identity.request';
import { RedirectTargets } from './redirect-targets';

/** The caller's identities at providers: listed, linked by a browser flow, unlinked. */
@ApiTags('Identity providers')
@Controller('auth/identities')
export class IdentitiesController {
  constructor(
    private readonly identities: IdentitiesService,
    private readonly clients: IdentityProviderClients,
    private readonly flows: ProviderFlows,
    private readonly redirectTargets: RedirectTargets,
    private readonly confirmation: PasswordConfirmationService,
    @Inject(httpConfig.KEY) private readonly http: HttpConfig,
  ) {}

  @ApiOperation({ summary: "The caller's identities at providers, oldest first" })
  @ApiOkResponse({ type: [IdentityResponse] })
  @Get()
  async list(@CurrentSession() session: AuthContext): Promise<IdentityResponse[]> {
    return (await this.identities.list(session.user.id)).map(toIdentityResponse);
  }

  @ApiOperation({
    summary: 'Start linking an identity at a provider to the caller: a URL on this service for the browser to open',
    description:
      'The URL works once, within 10 minutes, and ends at redirectTo with #linked=<provider id> or #error=<code>. ' +
      'Another way into the account: it needs a sign-in of this session less than 10 minutes old, or currentPassword.',
  })
  @ApiOkResponse({ type: AuthorizationUrlResponse })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND', 'REAUTHENTICATION_REQUIRED', 'INVALID_CURRENT_PASSWORD', 'TOO_MANY_REQUESTS')
  @RequireScopes('account')
  @AddsCredential({ sessionTokenOnly: true })
  @Post()
  @HttpCode(HttpStatus.OK)
  async link(
    @CurrentSession() session: AuthContext,
    @Body() body: LinkIdentityRequest,
    @Client() client: RequestClient,
  ): Promise<AuthorizationUrlResponse> {
    const provider = this.clients.provider(body.provider);
    const redirectTo = this.redirectTargets.resolve(body.redirectTo);
    await this.confirmation.confirmPresence(session, body.currentPassword, client.ip);
    const secret = await this.flows.offerLink(session.user.id, provider.id, redirectTo);
    return { authorizationUrl: `${this.http.publicUrl}/auth/providers/${provider.id}/authorize?link=${secret}` };
  }

  @ApiOperation({ summary: 'Unlink one of the caller’s identities', description: 'Refused when it is the account’s last way to sign in.' })
  @ApiNoContentResponse({ description: 'Unlinked' })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND', 'LAST_SIGN_IN_METHOD')
  @RequireScopes('account')
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async unlink(
    @CurrentSession() session: AuthContext,
    @Param('id', new RowIdPipe('No such identity')) id: number,
    @Client() client: RequestClient,
  ): Promise<void> {
    await this.identities.unlink(session.user.id, id, client);
  }
}
