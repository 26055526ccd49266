import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiBadRequestResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../../admin/principal.js';
import type { StoredPolicy } from '../../core/model/policy.js';
import type { Kparty } from '../../kparty.js';
import { AdminAuthGuard, CurrentPrincipal } from '../admin-auth.guard.js';
import { PolicyListDto, ProblemDto, StoredPolicyDto } from '../dto.js';
import { KPARTY } from '../tokens.js';

function present(stored: StoredPolicy): StoredPolicyDto {
  return {
    policy: stored.policy,
    owner: stored.owner,
    createdAt: new Date(stored.createdAt).toISOString(),
    updatedAt: new Date(stored.updatedAt).toISOString(),
  };
}

/** A relying party's own presentation policies; the operator sees all. */
@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ProblemDto })
@Controller('v1/admin/policies')
@UseGuards(AdminAuthGuard)
export class AdminPoliciesController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  @Get()
  @ApiOkResponse({ type: PolicyListDto })
  async list(@CurrentPrincipal() principal: Principal): Promise<PolicyListDto> {
    return { policies: (await this.kparty.policies.listFor(principal)).map(present) };
  }

  @Get(':id')
  @ApiOkResponse({ type: StoredPolicyDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: "`policy.not_found` (also for another relying party's policy)" })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<StoredPolicyDto> {
    return present(await this.kparty.policies.getFor(principal, id));
  }

  /** Create (201) or replace (200). Every schema violation is listed in a 400 `policy.invalid`. */
  @Put(':id')
  @ApiBody({ schema: { $ref: '#/components/schemas/PresentationPolicy' } })
  @ApiCreatedResponse({ type: StoredPolicyDto, description: 'created' })
  @ApiOkResponse({ type: StoredPolicyDto, description: 'replaced' })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`policy.invalid` with every violation' })
  @ApiConflictResponse({ type: ProblemDto, description: '`policy.conflict`: the id belongs to someone else' })
  async put(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StoredPolicyDto> {
    const { created, stored, warnings } = await this.kparty.policies.putFor(principal, id, body);
    void reply.status(created ? 201 : 200);
    return { ...present(stored), ...(warnings.length > 0 ? { warnings } : {}) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ProblemDto })
  async delete(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.kparty.policies.deleteFor(principal, id);
  }
}
