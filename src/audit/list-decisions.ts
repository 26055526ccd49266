import type { Principal } from '../admin/principal.js';
import type { AuditLog, AuditPage, AuditPageRequest } from '../core/ports/audit-log.js';

/**
 * Admin use case: a page of audit events the principal may see — a relying
 * party the decisions of its own policies, the operator every decision
 * (its own policy files' included).
 */
export function listDecisionsFor(log: AuditLog, principal: Principal, page: AuditPageRequest): Promise<AuditPage> {
  return log.list(principal.role === 'operator' ? undefined : principal.relyingPartyId, page);
}
