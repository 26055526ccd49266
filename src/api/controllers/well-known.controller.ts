import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { JWKS_MAX_AGE_SECONDS } from '../../core/config.js';
import type { Kparty } from '../../kparty.js';
import { TOKEN_EXCHANGE_GRANT } from '../../signin/token-exchange.js';
import { JwksDto } from '../dto.js';
import { KPARTY } from '../tokens.js';

@ApiTags('session tokens')
@Controller('.well-known')
export class WellKnownController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /**
   * Public session-signing keys: the current one, the next one during a
   * rotation's lead time, and previous ones while their tokens live.
   * max-age = JWKS_MAX_AGE_SECONDS, which KPARTY_KEY_ROTATION_LEAD must exceed.
   */
  @Get('jwks.json')
  @Header('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
  @ApiOkResponse({ type: JwksDto })
  jwks(): JwksDto {
    return this.kparty.signingKeys.jwks();
  }

  /** RFC 8414 authorization server metadata, listing only what this build serves. */
  @Get('oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  metadata(): Record<string, unknown> {
    const { issuer } = this.kparty.config;
    return {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      // kparty has no authorization endpoint; RFC 8414 requires the member, so it is empty.
      response_types_supported: [],
      // RFC 8693 token exchange; the presentation itself is the proof, so clients do not authenticate.
      token_endpoint: `${issuer}/v1/token`,
      grant_types_supported: [TOKEN_EXCHANGE_GRANT],
      token_endpoint_auth_methods_supported: ['none'],
      // An API key as a Bearer token ("Bearer" is in IANA's OAuth Access Token Types registry, which RFC 8414 §2 allows here).
      introspection_endpoint: `${issuer}/v1/sessions/introspect`,
      introspection_endpoint_auth_methods_supported: ['Bearer'],
      revocation_endpoint: `${issuer}/v1/sessions/revoke`,
      revocation_endpoint_auth_methods_supported: ['Bearer'],
      service_documentation: `${issuer}/docs`,
    };
  }
}
