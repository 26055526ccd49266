import type { PresentationPolicy, StoredPolicy } from '../../core/model/policy.js';
import type { PolicyStore, PutPolicyResult } from '../../core/ports/policy-store.js';
import { byCodeUnits } from './order.js';

/** Policies in one process's memory; `put` checks and writes without an `await` in between. */
export class MemoryPolicyStore implements PolicyStore {
  private readonly policies = new Map<string, StoredPolicy>();

  async get(id: string): Promise<StoredPolicy | null> {
    const stored = this.policies.get(id);
    return stored ? structuredClone(stored) : null;
  }

  async list(owner?: string): Promise<StoredPolicy[]> {
    return [...this.policies.values()]
      .filter((stored) => owner === undefined || stored.owner === owner)
      .sort((a, b) => byCodeUnits(a.policy.id, b.policy.id))
      .map((stored) => structuredClone(stored));
  }

  async put(policy: PresentationPolicy, owner: string, now: number): Promise<PutPolicyResult> {
    const existing = this.policies.get(policy.id);
    if (existing && existing.owner !== owner) return { outcome: 'owned_by_other' };
    const stored: StoredPolicy = { policy: structuredClone(policy), owner, createdAt: existing?.createdAt ?? now, updatedAt: now };
    this.policies.set(policy.id, stored);
    return { outcome: existing ? 'replaced' : 'created', stored: structuredClone(stored) };
  }

  async delete(id: string, owner: string): Promise<boolean> {
    if (this.policies.get(id)?.owner !== owner) return false;
    return this.policies.delete(id);
  }
}
