import { Controller, Get, Header, Inject, Param, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Kparty } from '../../kparty.js';
import { qrSvg, renderHostedPage } from '../../oid4vp/hosted-page.js';
import type { Oid4vpPublicView } from '../../oid4vp/oid4vp-service.js';
import { ProblemDto } from '../dto.js';
import { KPARTY } from '../tokens.js';
import { requireOid4vpId } from './oid4vp-requests.controller.js';

/** The hosted page of a request, its QR code and its public, result-free status (docs/oid4vp.md). */
@ApiTags('openid4vp wallet')
@Controller()
export class Oid4vpPageController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /** The hosted page (`pageUrl`): QR code or "Open in wallet", live status, redirect when done. */
  @Get('oid4vp/:id')
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'HTML page' })
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
  @ApiOkResponse({ description: 'SVG QR code' })
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
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string' }, expiresAt: { type: 'string' }, redirectUri: { type: 'string' } } } })
  @ApiNotFoundResponse({ type: ProblemDto, description: '`oid4vp.request_not_found`' })
  async status(@Param('id') id: string): Promise<Pick<Oid4vpPublicView, 'status' | 'expiresAt' | 'redirectUri'>> {
    const { status, expiresAt, redirectUri } = await this.kparty.oid4vp.publicView(requireOid4vpId(id));
    return { status, expiresAt, ...(redirectUri !== undefined ? { redirectUri } : {}) };
  }

  /** kparty's own did:web document (the `decentralized_identifier` client id): its request-signing keys. */
  @Get('.well-known/did.json')
  @Header('Cache-Control', 'public, max-age=60')
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  async didDocument(): Promise<Record<string, unknown>> {
    return this.kparty.oid4vpDidKeys.didDocument();
  }
}
