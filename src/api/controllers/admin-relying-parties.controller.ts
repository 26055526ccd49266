import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { RelyingPartyInput, RelyingPartyPatch } from '../../admin/relying-parties.js';
import type { Kparty } from '../../kparty.js';
import { AdminAuthGuard, OperatorOnly } from '../admin-auth.guard.js';
import { ProblemDto, RelyingPartyCreatedDto, RelyingPartyDto, RelyingPartyListDto } from '../dto.js';
import { requireValid } from '../request-validation.js';
import { KPARTY } from '../tokens.js';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/relying-parties')
@UseGuards(AdminAuthGuard)
@OperatorOnly()
@ApiUnauthorizedResponse({ type: ProblemDto })
@ApiForbiddenResponse({ type: ProblemDto, description: 'a relying-party key' })
export class AdminRelyingPartiesController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /** Operator only: register a relying party and its audiences. Its API key is in this response and nowhere else. */
  @Post()
  @HttpCode(201)
  @ApiBody({ schema: { $ref: '#/components/schemas/RelyingPartyRequest' } })
  @ApiCreatedResponse({ type: RelyingPartyCreatedDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`request.invalid` (also a callback origin or logo URL that is not https)' })
  @ApiConflictResponse({
    type: ProblemDto,
    description: '`relying_party.conflict` (id taken) or `relying_party.audience_taken` (another relying party, or an operator policy, holds an audience)',
  })
  async create(@Body() body: unknown): Promise<RelyingPartyCreatedDto> {
    return this.kparty.relyingParties.create(requireValid<RelyingPartyInput>('relying-party-request', body));
  }

  /** Operator only: every relying party with its audiences, callback origins and logo (never a key). */
  @Get()
  @ApiOkResponse({ type: RelyingPartyListDto })
  async list(): Promise<RelyingPartyListDto> {
    return { relyingParties: await this.kparty.relyingParties.list() };
  }

  @Get(':id')
  @ApiOkResponse({ type: RelyingPartyDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: '`relying_party.not_found`' })
  async get(@Param('id') id: string): Promise<RelyingPartyDto> {
    return this.kparty.relyingParties.get(id);
  }

  /**
   * Operator only: change name, audiences, callback origins, logo; `{ "rotateApiKey": true }` replaces the API key
   * (the new one is answered once as `apiKey`; the old one stops working at once).
   */
  @Patch(':id')
  @ApiBody({ schema: { $ref: '#/components/schemas/RelyingPartyChange' } })
  @ApiOkResponse({ type: RelyingPartyDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`request.invalid`' })
  @ApiNotFoundResponse({ type: ProblemDto, description: '`relying_party.not_found`' })
  @ApiConflictResponse({
    type: ProblemDto,
    description: '`relying_party.audience_taken`, or `relying_party.audience_in_use` (a dropped audience is still used by one of its policies)',
  })
  async update(@Param('id') id: string, @Body() body: unknown): Promise<RelyingPartyDto> {
    return this.kparty.relyingParties.update(id, requireValid<RelyingPartyPatch>('relying-party-change', body));
  }
}
