import type { SigningKey } from '../core/model/signing-key.js';
import { signsAt } from './signing-key-ring.js';

/**
 * `pending`: published, signs from `activatesAt`; `signing`: signs new tokens
 * now; `retired`: signs no more (or was superseded before it activated),
 * published until its tokens expire.
 */
export type SigningKeyState = 'pending' | 'signing' | 'retired';

export interface DescribedSigningKey {
  kid: string;
  alg: string;
  state: SigningKeyState;
  createdAt: number;
  activatesAt: number;
  retiredAt: number | null;
  expiresAt: number | null;
}

/**
 * The keys as an operator sees them at `now` (no key material): the newest
 * key that signs now is `signing`; later activations are `pending`; the rest
 * are `retired`. For `GET /v1/admin/keys` and `kparty keys list`.
 */
export function describeSigningKeys(keys: readonly SigningKey[], now: number): DescribedSigningKey[] {
  const signing = keys.filter((k) => signsAt(k, now)).sort((a, b) => b.activatesAt - a.activatesAt || b.createdAt - a.createdAt)[0];
  return keys.map((k) => ({
    kid: k.kid,
    alg: k.alg,
    state: k === signing ? 'signing' : k.activatesAt > now && (k.retiredAt === null || k.retiredAt > k.activatesAt) ? 'pending' : 'retired',
    createdAt: k.createdAt,
    activatesAt: k.activatesAt,
    retiredAt: k.retiredAt,
    expiresAt: k.expiresAt,
  }));
}
