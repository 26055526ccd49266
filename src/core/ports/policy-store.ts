import type { PresentationPolicy, StoredPolicy } from '../model/policy.js';

export type PutPolicyResult = { outcome: 'created' | 'replaced'; stored: StoredPolicy } | { outcome: 'owned_by_other' };

/** Policies defined through the admin API. Ids are one namespace: wallets name a policy by id alone. */
export interface PolicyStore {
  get(id: string): Promise<StoredPolicy | null>;
  /** All policies of `owner`, by id; all policies when `owner` is undefined. */
  list(owner?: string): Promise<StoredPolicy[]>;
  /** Creates or replaces atomically; never replaces a policy of another owner. */
  put(policy: PresentationPolicy, owner: string, now: number): Promise<PutPolicyResult>;
  /** Deletes the policy if `owner` owns it; returns whether it did. */
  delete(id: string, owner: string): Promise<boolean>;
}
