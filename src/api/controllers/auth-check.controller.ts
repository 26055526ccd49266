import { All, Controller, Get, Header, Headers, HttpCode, Inject, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiHeader, ApiOkResponse, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Kparty } from '../../kparty.js';
import { authorizeSession } from '../../session/authorize-session.js';
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
  return [...value].map((ch) => (/^[\x20-\x7e]$/.test(ch) ? ch : [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''))).join('');
}

@ApiTags('session tokens')
@Controller('v1/auth')
export class AuthCheckController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

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
  async check(
    @Headers('authorization') authorization: string | undefined,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const { scope, audience } = requireValid<{ scope?: string; audience?: string }>('auth-check-query', query ?? {});
    await this.authorize(authorization, scope, audience, reply);
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
  @ApiOkResponse({ description: 'Valid: empty body, identity headers set (as GET /v1/auth/check)' })
  @ApiUnauthorizedResponse({ type: ProblemDto, description: '`session.missing` or `session.invalid`' })
  @ApiForbiddenResponse({ type: ProblemDto, description: '`session.insufficient_scope`' })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`request.invalid`: a malformed requirement header' })
  async checkForEnvoy(
    @Headers('authorization') authorization: string | undefined,
    @Headers('x-kparty-required-scope') scopeHeader: string | undefined,
    @Headers('x-kparty-required-audience') audienceHeader: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const requirements = {
      ...(scopeHeader !== undefined ? { scope: scopeHeader } : {}),
      ...(audienceHeader !== undefined ? { audience: audienceHeader } : {}),
    };
    const { scope, audience } = requireValid<{ scope?: string; audience?: string }>('auth-check-query', requirements, 'the X-Kparty-Required-* headers');
    await this.authorize(authorization, scope, audience, reply);
  }

  private async authorize(authorization: string | undefined, scope: string | undefined, audience: string | undefined, reply: FastifyReply): Promise<void> {
    const claims = await authorizeSession(this.kparty.sessionVerifier, bearerToken(authorization), {
      scopes: scope === undefined ? [] : scope.split(' '),
      ...(audience === undefined ? {} : { audience }),
    });
    void reply
      .header(IDENTITY_HEADERS.subject, headerValue(claims.sub))
      .header(IDENTITY_HEADERS.scope, headerValue(claims.scope ?? ''))
      .header(IDENTITY_HEADERS.policy, headerValue(claims.policy))
      .header(IDENTITY_HEADERS.client, headerValue(claims.client_id));
  }
}
