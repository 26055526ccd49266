import { All, Controller, Get, Header, Headers, HttpCode, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiHeader, ApiOkResponse, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DpopRequest } from '../../guard/dpop.js';
import type { Kparty } from '../../kparty.js';
import { authorizeSession } from '../../session/authorize-session.js';
import { envoyRequest, forwardedRequest, trustedProxyMatcher, type ForwardedHeaders } from '../../session/dpop/forwarded-request.js';
import { presentedToken, requireSenderConstraint } from '../../session/dpop/sender-constraint.js';
import { ProblemDto } from '../dto.js';
import { requireValid } from '../request-validation.js';
import { KPARTY } from '../tokens.js';

/** The identity headers a gateway passes on to the upstream service. */
export const IDENTITY_HEADERS = {
  subject: 'X-Kparty-Subject',
  scope: 'X-Kparty-Scope',
  policy: 'X-Kparty-Policy',
  client: 'X-Kparty-Client',
} as const;

/**
 * The credentials of `Authorization: Bearer <token>` (RFC 6750 §2.1; the scheme
 * is case-insensitive): undefined without an Authorization header or with
 * another scheme, '' (an invalid token) for "Bearer" without a token.
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer(?:[ ]+(\S*))?[ ]*$/i.exec(authorization ?? '');
  return match ? (match[1] ?? '') : undefined;
}

/** A header value from a claim: printable ASCII as is, anything else percent-encoded (UTF-8), so no value can break a header. */
export function headerValue(value: string): string {
  return [...value]
    .map((ch) => (/^[\x20-\x7e]$/.test(ch) ? ch : [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')))
    .join('');
}

@ApiTags('session tokens')
@Controller('v1/auth')
export class AuthCheckController {
  private readonly trustedProxy: (address: string | undefined) => boolean;

  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {
    this.trustedProxy = trustedProxyMatcher(kparty.config.trustProxy);
  }

  /**
   * Forward-auth for gateways (nginx `auth_request`, Traefik ForwardAuth):
   * 200 with identity headers for a valid, unrevoked session token; 401 with
   * `WWW-Authenticate: Bearer error="invalid_token"` (none, invalid, expired,
   * revoked, other audience); 403 `insufficient_scope` when a `scope` is
   * missing — nginx `auth_request` passes 401 and 403 on to the client and
   * turns any other status into a 500. Also answers HEAD.
   */
  @Get('check')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiHeader({ name: 'Authorization', required: true, description: 'Bearer <session token>' })
  @ApiQuery({ name: 'scope', required: false, description: 'Space-separated scopes the token must all have', schema: { type: 'string' } })
  @ApiQuery({ name: 'audience', required: false, description: "The token's aud must name it", schema: { type: 'string' } })
  @ApiQuery({ name: 'client_id', required: false, description: "The token's client_id (relying party) must equal it", schema: { type: 'string' } })
  @ApiOkResponse({
    description: 'Valid: empty body, identity headers set',
    headers: {
      [IDENTITY_HEADERS.subject]: { description: 'sub: the holder DID', schema: { type: 'string' } },
      [IDENTITY_HEADERS.scope]: { description: 'scope (space-separated; empty when none)', schema: { type: 'string' } },
      [IDENTITY_HEADERS.policy]: { description: 'The policy the session was issued under', schema: { type: 'string' } },
      [IDENTITY_HEADERS.client]: { description: 'client_id: the relying party', schema: { type: 'string' } },
    },
  })
  @ApiUnauthorizedResponse({ type: ProblemDto, description: '`session.missing` (no token) or `session.invalid`' })
  @ApiForbiddenResponse({ type: ProblemDto, description: '`session.insufficient_scope`' })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`request.invalid`: an unknown, repeated or malformed query parameter (nginx turns it into a 500)' })
  @ApiHeader({ name: 'DPoP', required: false, description: 'RFC 9449 proof for a DPoP-bound token (`Authorization: DPoP <token>`), forwarded by the gateway' })
  @ApiHeader({
    name: 'X-Forwarded-Method',
    required: false,
    description: 'With X-Forwarded-Proto, -Host and -Uri: the original request, which a DPoP proof must name; trusted only from KPARTY_TRUST_PROXY addresses',
  })
  async check(
    @Headers('authorization') authorization: string | undefined,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const { scope, audience, client_id: clientId } = requireValid<{ scope?: string; audience?: string; client_id?: string }>('auth-check-query', query ?? {});
    const original = forwardedRequest(request.headers as ForwardedHeaders, this.trustedProxy(request.raw.socket.remoteAddress));
    await this.authorize(authorization, { scope, audience, clientId }, reply, request, original);
  }

  /**
   * Envoy `ext_authz` (HTTP service): Envoy keeps the original request's method
   * and appends its path and query to the check URL (`path_prefix:
   * /v1/auth/check/envoy` → `POST /v1/auth/check/envoy/orders?page=2`), so
   * here the method, path and query are the client's and are ignored;
   * requirements come from headers Envoy adds
   * (`authorization_request.headers_to_add`): `X-Kparty-Required-Scope` and
   * `X-Kparty-Required-Audience`. Same answers as GET /v1/auth/check.
   */
  @All(['check/envoy', 'check/envoy/*'])
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiHeader({ name: 'Authorization', required: true, description: 'Bearer <session token>' })
  @ApiHeader({ name: 'X-Kparty-Required-Scope', required: false, description: 'Space-separated scopes the token must all have' })
  @ApiHeader({ name: 'X-Kparty-Required-Audience', required: false, description: "The token's aud must name it" })
  @ApiHeader({ name: 'X-Kparty-Required-Client', required: false, description: "The token's client_id (relying party) must equal it" })
  @ApiOkResponse({ description: 'Valid: empty body, identity headers set (as GET /v1/auth/check)' })
  @ApiUnauthorizedResponse({ type: ProblemDto, description: '`session.missing` or `session.invalid`' })
  @ApiForbiddenResponse({ type: ProblemDto, description: '`session.insufficient_scope`' })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`request.invalid`: a malformed requirement header' })
  async checkForEnvoy(
    @Headers('authorization') authorization: string | undefined,
    @Headers('x-kparty-required-scope') scopeHeader: string | undefined,
    @Headers('x-kparty-required-audience') audienceHeader: string | undefined,
    @Req() request: FastifyRequest,
    @Headers('x-kparty-required-client') clientHeader: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const requirements = {
      ...(scopeHeader !== undefined ? { scope: scopeHeader } : {}),
      ...(audienceHeader !== undefined ? { audience: audienceHeader } : {}),
      ...(clientHeader !== undefined ? { client_id: clientHeader } : {}),
    };
    const {
      scope,
      audience,
      client_id: clientId,
    } = requireValid<{ scope?: string; audience?: string; client_id?: string }>('auth-check-query', requirements, 'the X-Kparty-Required-* headers');
    const original = envoyRequest(request.method, request.url, request.headers as ForwardedHeaders, this.trustedProxy(request.raw.socket.remoteAddress));
    await this.authorize(authorization, { scope, audience, clientId }, reply, request, original);
  }

  private async authorize(
    authorization: string | undefined,
    { scope, audience, clientId }: { scope?: string | undefined; audience?: string | undefined; clientId?: string | undefined },
    reply: FastifyReply,
    request: FastifyRequest,
    original: DpopRequest | undefined,
  ): Promise<void> {
    const nonce = this.kparty.dpop.currentNonce();
    if (nonce !== undefined) void reply.header('DPoP-Nonce', nonce);
    const presented = presentedToken(authorization);
    const claims = await authorizeSession(this.kparty.sessionVerifier, presented?.token, {
      scopes: scope === undefined ? [] : scope.split(' '),
      ...(audience === undefined ? {} : { audience }),
      ...(clientId === undefined ? {} : { clientId }),
    });
    // RFC 9449 §7.1: a DPoP-bound token counts only with a proof by its key for the original request.
    if (presented) await requireSenderConstraint(claims, presented, request.headers.dpop, original, this.kparty.dpop);
    void reply
      .header(IDENTITY_HEADERS.subject, headerValue(claims.sub))
      .header(IDENTITY_HEADERS.scope, headerValue(claims.scope ?? ''))
      .header(IDENTITY_HEADERS.policy, headerValue(claims.policy))
      .header(IDENTITY_HEADERS.client, headerValue(claims.client_id));
  }
}
