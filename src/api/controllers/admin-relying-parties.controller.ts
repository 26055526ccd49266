import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { createRelyingParty } from '../../admin/relying-parties.js';
import type { Kparty } from '../../kparty.js';
import { AdminAuthGuard, OperatorOnly } from '../admin-auth.guard.js';
import { ProblemDto, RelyingPartyCreatedDto } from '../dto.js';
import { requireValid } from '../request-validation.js';
import { KPARTY } from '../tokens.js';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/relying-parties')
@UseGuards(AdminAuthGuard)
@OperatorOnly()
export class AdminRelyingPartiesController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /** Operator only: register a relying party. Its API key is in this response and nowhere else. */
  @Post()
  @HttpCode(201)
  @ApiBody({ schema: { $ref: '#/components/schemas/RelyingPartyRequest' } })
  @ApiCreatedResponse({ type: RelyingPartyCreatedDto })
  @ApiUnauthorizedResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'a relying-party key' })
  @ApiConflictResponse({ type: ProblemDto, description: '`relying_party.conflict`' })
  async create(@Body() body: unknown): Promise<RelyingPartyCreatedDto> {
    const input = requireValid<{ id: string; name: string }>('relying-party-request', body);
    return createRelyingParty(this.kparty.storage.relyingParties, this.kparty.clock, input);
  }
}
