import { Body, Controller, Header, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../admin/principal.js';
import type { Kparty } from '../../kparty.js';
import { introspectSession, type IntrospectionResponse } from '../../session/introspect-session.js';
import { revokeSession } from '../../session/revoke-session.js';
import { isRefreshTokenShaped } from '../../session/refresh/refresh-token.js';
import type { RefreshIntrospection } from '../../session/refresh/session-families.js';
import { AdminAuthGuard, CurrentPrincipal } from '../admin-auth.guard.js';
import { KpartyError } from '../../core/errors.js';
import { IntrospectionDto, OAuthErrorDto } from '../dto.js';
import { requireValid } from '../request-validation.js';
import { KPARTY } from '../tokens.js';

interface SessionTokenRequest {
  token: string;
  token_type_hint?: string;
}

/**
 * RFC 7662 introspection and RFC 7009 revocation of session tokens, for the
 * relying party a token belongs to (`client_id`) or the operator. Errors are
 * RFC 6749 §5.2 objects (with kparty's problem members beside them).
 */
@ApiTags('session tokens')
@ApiBearerAuth()
@ApiConsumes('application/x-www-form-urlencoded', 'application/json')
@ApiUnauthorizedResponse({ type: OAuthErrorDto, description: '`invalid_client` (`auth.unauthorized`): no or an unknown API key' })
@ApiBadRequestResponse({ type: OAuthErrorDto, description: '`invalid_request` (`request.invalid`): no `token`, or a parameter sent twice' })
@Controller('v1/sessions')
export class SessionsController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /**
   * RFC 7662: `{ "active": false }` for anything that is not a valid, unrevoked
   * session token of the caller (bad signature, expired, revoked, another
   * relying party's token, another `typ`); the token's claims when it is.
   */
  @Post('introspect')
  @UseGuards(AdminAuthGuard)
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiBody({ schema: { $ref: '#/components/schemas/SessionTokenRequest' } })
  @ApiOkResponse({ type: IntrospectionDto })
  async introspect(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<IntrospectionResponse | RefreshIntrospection> {
    const { token } = requireValid<SessionTokenRequest>('session-token-request', body ?? {});
    // A refresh token (opaque, 43 characters) can never be a JWT, nor the other way round.
    if (isRefreshTokenShaped(token)) return this.kparty.sessionFamilies.introspect(principal, token);
    return introspectSession(this.kparty.sessionVerifier, principal, token);
  }

  /**
   * RFC 7009: denies the token (its `jti`) on every replica until it expires.
   * 200 with an empty body also for an invalid, expired or unknown token and
   * for another relying party's token, which is left alone (RFC 7009 §2.2:
   * an invalid token is not an error; the answer reveals nothing about it).
   */
  @Post('revoke')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiBody({ schema: { $ref: '#/components/schemas/SessionTokenRequest' } })
  @ApiOkResponse({ description: 'Revoked, or nothing to revoke (empty body)' })
  @ApiHeader({
    name: 'DPoP',
    required: false,
    description:
      'Without an API key: a public client ends its own DPoP-bound session (refresh token) with a proof by its key (htm POST, htu <issuer>/v1/sessions/revoke)',
  })
  async revoke(@Body() body: unknown, @Req() request: FastifyRequest): Promise<void> {
    const { token } = requireValid<SessionTokenRequest>('session-token-request', body ?? {});
    if (request.headers.authorization === undefined && request.headers.dpop !== undefined) {
      // RFC 7009 §2.1: a public client authenticates no client; its DPoP key is what binds it to the session.
      const proof = await this.kparty.dpop.verify(
        request.headers.dpop,
        { method: 'POST', url: `${this.kparty.config.issuer}/v1/sessions/revoke` },
        'token_endpoint',
      );
      const outcome = await this.kparty.sessionFamilies.revokeWithHolderKey(token, proof.jkt, String(request.id));
      request.log.info({ outcome, principal: '@dpop' }, 'session revocation');
      return;
    }
    const principal = await this.authenticate(request);
    const { sessionVerifier: verifier, storage, clock, config } = this.kparty;
    const outcome = isRefreshTokenShaped(token)
      ? await this.kparty.sessionFamilies.revokeRefreshToken(principal, token, String(request.id))
      : await revokeSession({ verifier, denylist: storage.sessionDenylist, clock, clockSkew: config.clockSkew }, principal, token);
    request.log.info({ outcome, principal: principal.role === 'operator' ? '@operator' : principal.relyingPartyId }, 'session revocation');
  }

  /** The API key of `Authorization: Bearer <key>`, as AdminAuthGuard checks it. */
  private async authenticate(request: FastifyRequest): Promise<Principal> {
    const match = /^Bearer ([\x21-\x7e]+)$/.exec(request.headers.authorization ?? '');
    if (!match?.[1])
      throw new KpartyError('auth.unauthorized', 'send an API key as "Authorization: Bearer <key>", or a DPoP proof for your own DPoP-bound session');
    const principal = await this.kparty.authenticator.authenticate(match[1]);
    if (!principal) throw new KpartyError('auth.unauthorized', 'the API key is not valid');
    return principal;
  }
}
