import type { Storage } from '../../core/ports/storage.js';
import { MemoryAuditLog } from './memory-audit-log.js';
import { MemoryNonceStore } from './memory-nonce-store.js';
import { MemoryOid4vpRequestStore } from './memory-oid4vp-request-store.js';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import { MemoryPolicyStore } from './memory-policy-store.js';
import { MemoryRelyingPartyStore } from './memory-relying-party-store.js';
import { MemorySessionDenylist } from './memory-session-denylist.js';
import { MemorySettingsStore } from './memory-settings-store.js';
import { MemorySigningKeyStore } from './memory-signing-key-store.js';

/**
 * Every port in this process's memory: the test double, and enough for a
 * single process that may lose its state on restart. Stored values are
 * structured clones, so neither the caller's input nor a returned value can
 * change what is stored. Not for more than one replica: nothing is shared.
 */
export function createMemoryStorage(): Storage {
  let closed = false;
  return {
    kind: 'memory',
    relyingParties: new MemoryRelyingPartyStore(),
    policies: new MemoryPolicyStore(),
    signingKeys: new MemorySigningKeyStore(),
    challenges: new MemoryNonceStore(),
    settings: new MemorySettingsStore(),
    auditLog: new MemoryAuditLog(),
    sessionDenylist: new MemorySessionDenylist(),
    oid4vpRequests: new MemoryOid4vpRequestStore(),
    rateLimiter: new MemoryRateLimiter(),
    // Fails after close like a closed database, so readiness reports a shut-down store.
    ping: async () => {
      if (closed) throw new Error('memory storage is closed');
    },
    close: async () => {
      closed = true;
    },
  };
}
