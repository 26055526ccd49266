import { Controller, Get, Header, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Principal } from '../../admin/principal.js';
import { listDecisionsFor } from '../../audit/list-decisions.js';
import type { AuditEvent } from '../../core/model/audit-event.js';
import type { Kparty } from '../../kparty.js';
import { AdminAuthGuard, CurrentPrincipal } from '../admin-auth.guard.js';
import { AuditPageDto, ProblemDto, type AuditEventDto } from '../dto.js';
import { requireValid } from '../request-validation.js';
import { KPARTY } from '../tokens.js';

/** docs/api.md leaves paging to the server: 50 by default, at most 200 per page. */
const DEFAULT_LIMIT = 50;

function present(event: AuditEvent): AuditEventDto {
  return {
    id: event.id,
    time: new Date(event.time).toISOString(),
    owner: event.owner,
    policy: event.policyId,
    outcome: event.outcome,
    ...(event.holder === undefined ? {} : { holder: event.holder }),
    codes: event.codes,
    ...(event.format === undefined ? {} : { format: event.format }),
    ...(event.credentialIssuers === undefined ? {} : { credentialIssuers: event.credentialIssuers }),
    ...(event.requestId === undefined ? {} : { requestId: event.requestId }),
  };
}

/** The audit log of verification decisions: a relying party sees its own policies' decisions, the operator all. */
@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ProblemDto })
@Controller('v1/admin/audit')
@UseGuards(AdminAuthGuard)
export class AdminAuditController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /** Verification decisions, newest first, paged by cursor: pass a page's `next` as `before` for the next one. */
  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: DEFAULT_LIMIT } })
  @ApiQuery({ name: 'before', required: false, description: 'The `next` cursor of the previous page', schema: { type: 'string' } })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`request.invalid`: a bad `limit` or `before`, or an unknown parameter' })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: unknown): Promise<AuditPageDto> {
    const { limit, before } = requireValid<{ limit?: string; before?: string }>('audit-query', query ?? {});
    const page = await listDecisionsFor(this.kparty.storage.auditLog, principal, {
      limit: limit === undefined ? DEFAULT_LIMIT : Number(limit),
      ...(before === undefined ? {} : { before }),
    });
    return { events: page.events.map(present), ...(page.next === undefined ? {} : { next: page.next }) };
  }
}
