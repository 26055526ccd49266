import type { Clock } from '../core/clock.js';
import { KpartyError } from '../core/errors.js';
import { OPERATOR_OWNER, type PresentationPolicy, type StoredPolicy } from '../core/model/policy.js';
import type { PolicyStore } from '../core/ports/policy-store.js';
import type { RelyingPartyStore } from '../core/ports/relying-party-store.js';
import type { Principal } from '../admin/principal.js';
import { checkPolicyCapabilities, type PolicyCapabilities, type PolicyWarning } from './policy-capabilities.js';
import { validatePolicy } from './validate-policy.js';

function ownerOf(principal: Principal): string {
  return principal.role === 'operator' ? OPERATOR_OWNER : principal.relyingPartyId;
}

function notFound(id: string): KpartyError {
  return new KpartyError('policy.not_found', `no policy "${id}"`);
}

/**
 * Every policy kparty knows: the operator's policy files (loaded at start, read
 * only, kept in memory) layered over the policies relying parties define
 * through the admin API (in the PolicyStore, shared by every replica).
 *
 * Policy ids are one namespace because wallets name a policy by id alone. A
 * relying party never sees another's policy: reading or deleting it answers
 * 404 exactly as for an id that does not exist.
 */
export class PolicyCatalog {
  private readonly files: ReadonlyMap<string, StoredPolicy>;

  constructor(
    private readonly store: PolicyStore,
    private readonly clock: Clock,
    private readonly limits: { sessionMaxTtl: number },
    filePolicies: PresentationPolicy[] = [],
    /** Who holds which audience (issue 11): a policy may use only an audience its owner holds. */
    private readonly audiences: Pick<RelyingPartyStore, 'get' | 'findByAudience'>,
    /** What this kparty can verify; policies no presentation could satisfy are refused (src/policy/policy-capabilities.ts). */
    private readonly capabilities?: PolicyCapabilities,
  ) {
    const loadedAt = clock.now();
    this.files = new Map(filePolicies.map((policy) => [policy.id, { policy, owner: OPERATOR_OWNER, createdAt: loadedAt, updatedAt: loadedAt }]));
  }

  /** The policy a wallet names, whoever owns it; null when unknown. */
  async find(id: string): Promise<StoredPolicy | null> {
    return this.files.get(id) ?? (await this.store.get(id));
  }

  async getFor(principal: Principal, id: string): Promise<StoredPolicy> {
    const stored = await this.find(id);
    if (!stored || (principal.role !== 'operator' && stored.owner !== principal.relyingPartyId)) throw notFound(id);
    return stored;
  }

  async listFor(principal: Principal): Promise<StoredPolicy[]> {
    if (principal.role !== 'operator') return this.store.list(principal.relyingPartyId);
    const stored = await this.store.list();
    return [...this.files.values(), ...stored.filter((s) => !this.files.has(s.policy.id))].sort((a, b) =>
      a.policy.id < b.policy.id ? -1 : a.policy.id > b.policy.id ? 1 : 0,
    );
  }

  /**
   * Creates or replaces the policy `id` for the principal. The body's `id`, when
   * given, must equal the path's. An id held by someone else answers 409: unlike
   * a read, a create cannot hide that the id exists (the wallet-facing
   * challenge endpoint tells anyone that much anyway).
   */
  async putFor(principal: Principal, id: string, body: unknown): Promise<{ created: boolean; stored: StoredPolicy; warnings: PolicyWarning[] }> {
    const candidate = body !== null && typeof body === 'object' && !Array.isArray(body) ? { id, ...body } : body;
    const result = validatePolicy(candidate, this.limits);
    if (!result.ok) {
      throw new KpartyError('policy.invalid', `the policy has ${result.violations.length} violation(s)`, {
        errors: result.violations,
      });
    }
    if (result.policy.id !== id) {
      throw new KpartyError('request.invalid', `the body's id "${result.policy.id}" differs from the path's "${id}"`, {
        errors: [{ code: 'request.invalid', path: '/id', detail: 'must equal the policy id in the path' }],
      });
    }
    const { violations, warnings } = this.capabilities ? await checkPolicyCapabilities(result.policy, this.capabilities) : { violations: [], warnings: [] };
    if (violations.length > 0) {
      throw new KpartyError('policy.invalid', `the policy can never be satisfied: ${violations.length} violation(s)`, { errors: violations });
    }
    if (this.files.has(id)) {
      throw new KpartyError('policy.conflict', `policy "${id}" is defined by the operator's policy files`);
    }
    // An id held by someone else is a 409 whatever the body says; only then is the audience judged.
    const existing = await this.store.get(id);
    if (existing && existing.owner !== ownerOf(principal)) throw new KpartyError('policy.conflict', `policy id "${id}" is taken`);
    await this.requireOwnedAudience(ownerOf(principal), result.policy.audience);
    const put = await this.store.put(result.policy, ownerOf(principal), this.clock.now());
    if (put.outcome === 'owned_by_other') throw new KpartyError('policy.conflict', `policy id "${id}" is taken`);
    return { created: put.outcome === 'created', stored: put.stored, warnings };
  }

  /**
   * The policy files against what this kparty can verify (at start, once the
   * DID methods and formats are known): every file policy that can never be
   * satisfied, as `<id><pointer>: <detail>` lines, and the warnings.
   */
  async checkFilePolicies(): Promise<{ problems: string[]; warnings: string[] }> {
    const problems: string[] = [];
    const warnings: string[] = [];
    if (!this.capabilities) return { problems, warnings };
    for (const { policy } of this.files.values()) {
      const check = await checkPolicyCapabilities(policy, this.capabilities);
      problems.push(...check.violations.map((v) => `policy ${JSON.stringify(policy.id)} ${v.path}: ${v.detail ?? v.code}`));
      warnings.push(...check.warnings.map((w) => `policy ${JSON.stringify(policy.id)} ${w.path}: ${w.detail}`));
    }
    return { problems, warnings };
  }

  /**
   * An audience belongs to one relying party (docs/security.md, "Audiences"):
   * a relying party's policy may use only one of its registered audiences; an
   * operator policy any audience no relying party holds. 403
   * `policy.audience_not_owned` otherwise, naming the audience.
   */
  async requireOwnedAudience(owner: string, audience: string): Promise<void> {
    if (owner === OPERATOR_OWNER) {
      const holder = await this.audiences.findByAudience(audience);
      if (holder !== null) {
        throw new KpartyError('policy.audience_not_owned', `audience "${audience}" belongs to relying party "${holder}"`);
      }
      return;
    }
    const rp = await this.audiences.get(owner);
    if (!rp?.audiences.includes(audience)) {
      throw new KpartyError(
        'policy.audience_not_owned',
        `audience "${audience}" is not one of relying party "${owner}"'s audiences; the operator registers them (PATCH /v1/admin/relying-parties/${owner})`,
      );
    }
  }

  /** Owners (relying-party id or `@operator`) of the policies, files included, whose audience is `audience`. */
  async ownersUsing(audience: string): Promise<Set<string>> {
    const owners = new Set<string>();
    for (const stored of [...this.files.values(), ...(await this.store.list())]) {
      if (stored.policy.audience === audience) owners.add(stored.owner);
    }
    return owners;
  }

  /** Policy files whose audience a relying party holds: refused at start (one line), like the migration. */
  async fileAudienceClash(): Promise<string | undefined> {
    for (const stored of this.files.values()) {
      const holder = await this.audiences.findByAudience(stored.policy.audience);
      if (holder !== null) {
        return `policy file "${stored.policy.id}" uses audience "${stored.policy.audience}", which belongs to relying party "${holder}"`;
      }
    }
    return undefined;
  }

  async deleteFor(principal: Principal, id: string): Promise<void> {
    if (this.files.has(id)) {
      if (principal.role === 'operator') {
        throw new KpartyError('policy.conflict', `policy "${id}" is defined by a policy file; remove the file instead`);
      }
      throw notFound(id);
    }
    const owner = principal.role === 'operator' ? (await this.store.get(id))?.owner : principal.relyingPartyId;
    if (owner === undefined || !(await this.store.delete(id, owner))) throw notFound(id);
  }
}
