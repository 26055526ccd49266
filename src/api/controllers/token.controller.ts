import { Body, Controller, Header, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateClient } from '../../admin/client-authentication.js';
import { KpartyError } from '../../core/errors.js';
import type { Kparty } from '../../kparty.js';
import type { RefreshResponse } from '../../session/refresh/session-families.js';
import type { TokenExchangeRequest, TokenExchangeResponse } from '../../signin/token-exchange.js';
import { OAuthErrorDto, RefreshTokenResponseDto, TokenExchangeResponseDto } from '../dto.js';
import { requireValid } from '../request-validation.js';
import { KPARTY } from '../tokens.js';

/** RFC 6749 §6. */
export const REFRESH_TOKEN_GRANT = 'refresh_token';

type TokenRequest = TokenExchangeRequest & { refresh_token?: string; scope?: string };

@ApiTags('session tokens')
@Controller('v1/token')
export class TokenController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /**
   * RFC 8693 token exchange: a presentation (`subject_token`) for a session
   * token, verified exactly as by `POST /v1/presentations/verify` (get a
   * challenge first) — and, when the policy sets `session.refresh`, the RFC
   * 6749 §6 `refresh_token` grant: a new access token and a new refresh token
   * (rotation; docs/sessions.md). Client authentication (`client_secret_basic`
   * or `Authorization: Bearer <RP key>`) makes a session a confidential
   * client's; a `DPoP` proof (RFC 9449) binds it to a key.
   */
  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ schema: { $ref: '#/components/schemas/TokenExchangeRequest' } })
  @ApiHeader({
    name: 'DPoP',
    required: false,
    description: 'RFC 9449 proof (htm POST, htu <issuer>/v1/token): binds the session, and is required to refresh a bound one',
  })
  @ApiExtraModels(TokenExchangeResponseDto, RefreshTokenResponseDto)
  @ApiOkResponse({
    description: 'Token exchange (RFC 8693 §2.2.1) or refresh (RFC 6749 §5.1, with a new refresh_token)',
    schema: { oneOf: [{ $ref: getSchemaPath(TokenExchangeResponseDto) }, { $ref: getSchemaPath(RefreshTokenResponseDto) }] },
  })
  @ApiUnauthorizedResponse({
    type: OAuthErrorDto,
    description: "`invalid_client` (`auth.unauthorized`): bad client credentials, or none for a confidential client's refresh token",
  })
  @ApiBadRequestResponse({
    type: OAuthErrorDto,
    description:
      '`invalid_request` (`request.invalid`), `unsupported_grant_type` (`oauth.unsupported_grant_type`), ' +
      '`invalid_target` (`oauth.invalid_target`: no single policy for the policy/audience/resource), ' +
      '`invalid_grant` (`presentation.rejected`: `errors` lists every failed check; `oauth.invalid_grant`: a refresh token that is ' +
      "invalid, expired, revoked, reused, another client's, or whose credentials no longer hold — `errors` names why), " +
      '`invalid_scope` (`oauth.invalid_scope`), `invalid_dpop_proof` (`oauth.invalid_dpop_proof`), `use_dpop_nonce` (`oauth.use_dpop_nonce`, see the DPoP-Nonce header)',
  })
  async token(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenExchangeResponse | RefreshResponse> {
    const parameters = requireValid<TokenRequest>('token-request', body ?? {});
    const nonce = this.kparty.dpop.currentNonce();
    if (nonce !== undefined) void reply.header('DPoP-Nonce', nonce);
    const client = await authenticateClient(request.headers.authorization, this.kparty.authenticator);
    const dpopJkt =
      request.headers.dpop === undefined
        ? undefined
        : (await this.kparty.dpop.verify(request.headers.dpop, { method: 'POST', url: `${this.kparty.config.issuer}/v1/token` }, 'token_endpoint')).jkt;
    if (parameters.grant_type === REFRESH_TOKEN_GRANT) {
      if (parameters.refresh_token === undefined) {
        throw new KpartyError('request.invalid', 'refresh_token is required', {
          errors: [{ code: 'request.invalid', path: '/refresh_token', detail: 'refresh_token is required' }],
        });
      }
      return this.kparty.sessionFamilies.refresh({
        refreshToken: parameters.refresh_token,
        ...(client !== undefined ? { client } : {}),
        ...(dpopJkt !== undefined ? { dpopJkt } : {}),
        ...(parameters.scope !== undefined ? { scope: parameters.scope } : {}),
        requestId: String(request.id),
      });
    }
    return this.kparty.tokenExchange.exchange(parameters, String(request.id), {
      ...(client !== undefined ? { clientId: client } : {}),
      ...(dpopJkt !== undefined ? { dpopJkt } : {}),
    });
  }
}
