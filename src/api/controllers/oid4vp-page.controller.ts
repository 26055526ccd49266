import { Controller, Get, Header, Inject, Param, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { DID_DOCUMENT_EXAMPLE, OID4VP_PAGE_EXAMPLE, OID4VP_QR_EXAMPLE, OID4VP_STATUS_EXAMPLE } from './oid4vp-openapi-examples.js';
import type { FastifyReply } from 'fastify';
import type { Kparty } from '../../kparty.js';
import { qrSvg, renderHostedPage } from '../../oid4vp/hosted-page.js';
import type { Oid4vpPublicView } from '../../oid4vp/oid4vp-service.js';
import { ProblemDto } from '../dto.js';
import { KPARTY } from '../tokens.js';
import { requireOid4vpId } from './oid4vp-requests.controller.js';

/** The hosted page of a request, its QR code and its public, result-free status (docs/oid4vp.md). */
@ApiTags('wallet')
@Controller()
export class Oid4vpPageController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /** The hosted page (`pageUrl`): QR code or "Open in wallet", live status, redirect when done. */
  @Get('oid4vp/:id')
  @ApiProduces('text/html')
  @ApiOperation({
    summary: 'The hosted page of an OpenID4VP request',
    description:
      'Public, unguessable (pageUrl). QR code (cross-device) or an "Open in wallet" link (same device), live status, redirect when done; no result, no third-party assets.',
  })
  @ApiOkResponse({ description: 'HTML page', schema: { type: 'string' }, example: OID4VP_PAGE_EXAMPLE })
  @ApiNotFoundResponse({ type: ProblemDto, description: '`oid4vp.request_not_found`' })
  async page(@Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    const page = await renderHostedPage(id, await this.kparty.oid4vp.publicView(requireOid4vpId(id)));
    await reply
      .header('Content-Type', 'text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .header('Content-Security-Policy', page.contentSecurityPolicy)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'no-referrer')
      .send(page.html);
  }

  /** `qrUrl`: the `openid4vp://` URI as an SVG QR code. */
  @Get('oid4vp/:id/qr.svg')
  @ApiProduces('image/svg+xml')
  @ApiOperation({
    summary: 'The QR code of an OpenID4VP request',
    description: 'Public, unguessable (qrUrl). The openid4vp:// URI as an SVG QR code, made server-side.',
  })
  @ApiOkResponse({ description: 'SVG QR code', schema: { type: 'string' }, example: OID4VP_QR_EXAMPLE })
  @ApiNotFoundResponse({ type: ProblemDto, description: '`oid4vp.request_not_found`' })
  async qr(@Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    const view = await this.kparty.oid4vp.publicView(requireOid4vpId(id));
    await reply
      .header('Content-Type', 'image/svg+xml')
      .header('Cache-Control', 'no-store')
      .header('Content-Security-Policy', "default-src 'none'")
      .header('X-Content-Type-Options', 'nosniff')
      .send(await qrSvg(view.requestUri));
  }

  /** The status the hosted page polls: no result, no personal data. */
  @Get('oid4vp/:id/status')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'The public status of an OpenID4VP request',
    description: 'Public, unguessable. What the hosted page polls: the status, never the result.',
  })
  @ApiOkResponse({
    schema: { type: 'object', properties: { status: { type: 'string' }, expiresAt: { type: 'string' }, redirectUri: { type: 'string' } } },
    example: OID4VP_STATUS_EXAMPLE,
  })
  @ApiNotFoundResponse({ type: ProblemDto, description: '`oid4vp.request_not_found`' })
  async status(@Param('id') id: string): Promise<Pick<Oid4vpPublicView, 'status' | 'expiresAt' | 'redirectUri'>> {
    const { status, expiresAt, redirectUri } = await this.kparty.oid4vp.publicView(requireOid4vpId(id));
    return { status, expiresAt, ...(redirectUri !== undefined ? { redirectUri } : {}) };
  }

  /** kparty's own did:web document (the `decentralized_identifier` client id): its request-signing keys. */
  @Get('.well-known/did.json')
  @Header('Cache-Control', 'public, max-age=60')
  @ApiOperation({
    summary: "kparty's DID document",
    description: "Public. kparty's did:web (the decentralized_identifier client id of OpenID4VP requests) and its request-signing keys.",
  })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true }, example: DID_DOCUMENT_EXAMPLE })
  async didDocument(): Promise<Record<string, unknown>> {
    return this.kparty.oid4vpDidKeys.didDocument();
  }
}
