import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Kparty } from '../../kparty.js';
import { JwksDto } from '../dto.js';
import { KPARTY } from '../tokens.js';

@ApiTags('session tokens')
@Controller('.well-known')
export class WellKnownController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /** Public session-signing keys (current, and previous ones while their tokens live). */
  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=60')
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
      token_endpoint_auth_methods_supported: ['none'],
      service_documentation: `${issuer}/docs`,
    };
  }
}
