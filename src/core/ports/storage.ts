import type { AuditLog } from './audit-log.js';
import type { NonceStore } from './nonce-store.js';
import type { PolicyStore } from './policy-store.js';
import type { RelyingPartyStore } from './relying-party-store.js';
import type { SettingsStore } from './settings-store.js';
import type { SigningKeyStore } from './signing-key-store.js';

/** Every storage port, opened together from DATABASE_URL (and later REDIS_URL). */
export interface Storage {
  readonly kind: string;
  readonly relyingParties: RelyingPartyStore;
  readonly policies: PolicyStore;
  readonly signingKeys: SigningKeyStore;
  readonly challenges: NonceStore;
  readonly settings: SettingsStore;
  readonly auditLog: AuditLog;
  /** Resolves when the backing store answers; rejects otherwise (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
