import { Body, Controller, Delete, Get, Header, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Principal } from '../../admin/principal.js';
import { KpartyError } from '../../core/errors.js';
import type { Kparty } from '../../kparty.js';
import type { CreateOid4vpRequest, CreatedOid4vpRequest, Oid4vpRequestView } from '../../oid4vp/oid4vp-service.js';
import { AdminAuthGuard, CurrentPrincipal } from '../admin-auth.guard.js';
import { Oid4vpCreatedDto, Oid4vpRequestViewDto, ProblemDto } from '../dto.js';
import { OID4VP_CREATED_EXAMPLE, OID4VP_VIEW_EXAMPLE } from './oid4vp-openapi-examples.js';
import { requireValid } from '../request-validation.js';
import { KPARTY } from '../tokens.js';

/** OpenID4VP request ids as kparty makes them (base64url, 192 bits); anything else is not one. */
export const OID4VP_ID = /^[A-Za-z0-9_-]{16,64}$/;

export function requireOid4vpId(id: string): string {
  if (!OID4VP_ID.test(id)) throw new KpartyError('oid4vp.request_not_found', 'no such OpenID4VP request');
  return id;
}

/** The relying party's side of OpenID4VP 1.0 (docs/oid4vp.md): start, read, cancel. */
@ApiTags('relying party')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ProblemDto })
@Controller('v1/oid4vp/requests')
@UseGuards(AdminAuthGuard)
export class Oid4vpRequestsController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /** Starts an OpenID4VP request for one of the caller's policies; show `pageUrl` (or `requestUri` as a QR code / link) to the user. */
  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @ApiBody({ schema: { $ref: '#/components/schemas/Oid4vpRequest' } })
  @ApiOperation({
    summary: 'Start an OpenID4VP request',
    description:
      'Relying-party key. Starts an OpenID4VP 1.0 request for one of your policies: show `pageUrl` (QR code, live status) or render ' +
      '`requestUri` yourself; read the outcome with GET. Flows, response modes and client identifier prefixes: docs/oid4vp.md.',
  })
  @ApiCreatedResponse({ type: Oid4vpCreatedDto, example: OID4VP_CREATED_EXAMPLE })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`request.invalid`; `oid4vp.callback_origin_not_registered`' })
  @ApiNotFoundResponse({ type: ProblemDto, description: "`policy.not_found` (also for another relying party's policy)" })
  @ApiUnprocessableEntityResponse({
    type: ProblemDto,
    description: '`oid4vp.policy_unsupported`: a credential query has no OpenID4VP 1.0 format identifier (e.g. `vc+jwt`)',
  })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<CreatedOid4vpRequest> {
    return this.kparty.oid4vp.create(principal, requireValid<CreateOid4vpRequest>('oid4vp-request', body));
  }

  /**
   * The request's status and, once, its result (the body `POST /v1/presentations/verify` answers); the result is
   * deleted when read and at most KPARTY_OID4VP_RESULT_TTL seconds after the decision. Same-device requests release
   * the result only with `?response_code=` (from the wallet's redirect).
   */
  @Get(':id')
  @Header('Cache-Control', 'no-store')
  @ApiQuery({ name: 'response_code', required: false, description: "same_device: the code the wallet's redirect carried" })
  @ApiOperation({
    summary: 'Read an OpenID4VP request',
    description:
      'Relying-party key. Status (pending, fetched, verified, rejected, expired, cancelled) and, once, the result — the body of ' +
      'POST /v1/presentations/verify. Same-device requests release the result only with `?response_code=`.',
  })
  @ApiOkResponse({ type: Oid4vpRequestViewDto, example: OID4VP_VIEW_EXAMPLE })
  @ApiForbiddenResponse({ type: ProblemDto, description: '`oid4vp.response_code_invalid`' })
  @ApiNotFoundResponse({ type: ProblemDto, description: "`oid4vp.request_not_found` (also for another relying party's request)" })
  async read(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query('response_code') responseCode?: unknown): Promise<Oid4vpRequestView> {
    if (responseCode !== undefined && (typeof responseCode !== 'string' || responseCode.length > 128)) {
      throw new KpartyError('oid4vp.response_code_invalid', "response_code must be given once, as the code the wallet's redirect carried");
    }
    return this.kparty.oid4vp.read(principal, requireOid4vpId(id), responseCode);
  }

  /** Cancels an open request: the wallet can no longer fetch it or answer it. */
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Cancel an OpenID4VP request',
    description: 'Relying-party key. The wallet can no longer fetch or answer the request; the callback, if any, is told.',
  })
  @ApiNoContentResponse({ description: 'cancelled (or already cancelled)' })
  @ApiNotFoundResponse({ type: ProblemDto, description: '`oid4vp.request_not_found`' })
  @ApiGoneResponse({ type: ProblemDto, description: '`oid4vp.request_closed`: already decided or expired' })
  async cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.kparty.oid4vp.cancel(principal, requireOid4vpId(id));
  }
}
