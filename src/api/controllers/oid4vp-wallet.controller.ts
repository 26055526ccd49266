import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConsumes, ApiGoneResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { OID4VP_REQUEST_OBJECT_EXAMPLE } from './oid4vp-openapi-examples.js';
import type { FastifyRequest } from 'fastify';
import { KpartyError } from '../../core/errors.js';
import type { Kparty } from '../../kparty.js';
import type { WalletAnswer } from '../../oid4vp/oid4vp-service.js';
import { ProblemDto } from '../dto.js';
import { KPARTY } from '../tokens.js';
import { requireOid4vpId } from './oid4vp-requests.controller.js';

/** Form (or JSON) body as an object of parameters; anything else is no parameters. */
function parameters(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** A parameter sent once; a repeated form field arrives as an array and is refused. */
function single(name: string, value: unknown): unknown {
  if (Array.isArray(value)) throw new KpartyError('request.invalid', `${name} must be sent once`);
  return value;
}

/** The wallet's side of OpenID4VP 1.0 (public, standard): request objects by reference and the response endpoint. */
@ApiTags('wallet')
@Controller('v1/oid4vp')
export class Oid4vpWalletController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /** The signed request object (`typ` oauth-authz-req+jwt), fetched by `request_uri` (RFC 9101 §5.2). */
  @Get('request-objects/:id')
  @Header('Content-Type', 'application/oauth-authz-req+jwt')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('application/oauth-authz-req+jwt')
  @ApiOperation({
    summary: 'Fetch an OpenID4VP request object',
    description:
      'Public (the wallet). The signed request object (typ oauth-authz-req+jwt) named by request_uri; fetchable again until the request is answered, never after.',
  })
  @ApiOkResponse({ description: 'the request object JWT', schema: { type: 'string' }, example: OID4VP_REQUEST_OBJECT_EXAMPLE })
  @ApiNotFoundResponse({ type: ProblemDto, description: '`oid4vp.request_not_found`' })
  @ApiGoneResponse({ type: ProblemDto, description: '`oid4vp.request_closed`: answered, expired or cancelled' })
  async get(@Param('id') id: string): Promise<string> {
    return this.kparty.oid4vp.requestObject(requireOid4vpId(id));
  }

  /** request_uri_method=post (OpenID4VP 1.0 §5.10): form body with optional `wallet_metadata` (JSON) and `wallet_nonce`, echoed in the request object. */
  @Post('request-objects/:id')
  @HttpCode(200)
  @Header('Content-Type', 'application/oauth-authz-req+jwt')
  @Header('Cache-Control', 'no-store')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('application/oauth-authz-req+jwt')
  @ApiOperation({
    summary: 'Fetch an OpenID4VP request object by POST',
    description:
      'Public (the wallet). request_uri_method=post (OpenID4VP 1.0 §5.10): wallet_metadata and wallet_nonce in a form body; the nonce is echoed in the request object.',
  })
  @ApiOkResponse({
    description: 'the request object JWT, with `wallet_nonce` when one was sent',
    schema: { type: 'string' },
    example: OID4VP_REQUEST_OBJECT_EXAMPLE,
  })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`request.invalid`: wallet_metadata not a JSON object, wallet_nonce malformed' })
  @ApiNotFoundResponse({ type: ProblemDto, description: '`oid4vp.request_not_found`' })
  @ApiGoneResponse({ type: ProblemDto, description: '`oid4vp.request_closed`' })
  async post(@Param('id') id: string, @Body() body: unknown): Promise<string> {
    const form = parameters(body);
    return this.kparty.oid4vp.requestObject(requireOid4vpId(id), {
      walletNonce: single('wallet_nonce', form.wallet_nonce),
      walletMetadata: single('wallet_metadata', form.wallet_metadata),
    });
  }

  /**
   * The response_uri (OpenID4VP 1.0 §8.2 direct_post, §8.3 direct_post.jwt): `vp_token` + `state`, or `response` (a
   * JWE to this request's key), or a wallet error (`error`, `error_description`). Answers `{}` (cross-device) or
   * `{ "redirect_uri" }` carrying the response_code (same-device); never the session token.
   */
  @Post('responses/:id')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({
    summary: 'Answer an OpenID4VP request (response_uri)',
    description:
      "Public (the wallet). The authorization response: vp_token + state, or response (a JWE to this request's key), or a wallet error. Answers {} or, same-device, { redirect_uri } with the response_code.",
  })
  @ApiOkResponse({ schema: { type: 'object', properties: { redirect_uri: { type: 'string' } } }, example: {} })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description: "`oid4vp.response_invalid`: missing or foreign state, JWE not to this request's key or with another algorithm, wrong response mode",
  })
  @ApiNotFoundResponse({ type: ProblemDto, description: '`oid4vp.request_not_found`' })
  @ApiGoneResponse({ type: ProblemDto, description: '`oid4vp.request_closed`: already answered (a replay), expired or cancelled' })
  async respond(@Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest): Promise<WalletAnswer> {
    const form = parameters(body);
    for (const name of ['vp_token', 'state', 'response', 'error', 'error_description']) single(name, form[name]);
    return this.kparty.oid4vp.respond(requireOid4vpId(id), form, String(request.id));
  }
}
