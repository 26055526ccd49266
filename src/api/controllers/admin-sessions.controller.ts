import { Body, Controller, Header, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../admin/principal.js';
import type { Kparty } from '../../kparty.js';
import { AdminAuthGuard, CurrentPrincipal } from '../admin-auth.guard.js';
import { ProblemDto, SubjectRevocationDto } from '../dto.js';
import { requireValid } from '../request-validation.js';
import { KPARTY } from '../tokens.js';

@ApiTags('session tokens')
@ApiBearerAuth()
@Controller('v1/admin/sessions')
@UseGuards(AdminAuthGuard)
export class AdminSessionsController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /**
   * "Log this person out everywhere": ends every active session family of
   * the holder `sub` — a relying party's own, or with the operator key
   * everyone's — and denies their live access tokens until they expire.
   * Each end is audited. Sessions issued without refresh tokens are not
   * tracked by holder; their access tokens die at `exp` (docs/sessions.md).
   */
  @Post('revoke')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiBody({ schema: { $ref: '#/components/schemas/SubjectRevocationRequest' } })
  @ApiOkResponse({ type: SubjectRevocationDto })
  @ApiUnauthorizedResponse({ type: ProblemDto, description: '`auth.unauthorized`' })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`request.invalid`' })
  async revoke(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Req() request: FastifyRequest): Promise<SubjectRevocationDto> {
    const { sub } = requireValid<{ sub: string }>('subject-revocation-request', body ?? {});
    const revoked = await this.kparty.sessionFamilies.revokeBySubject(principal, sub, String(request.id));
    request.log.info({ revoked, principal: principal.role === 'operator' ? '@operator' : principal.relyingPartyId }, 'sessions of a subject revoked');
    return { revoked };
  }
}
