export { createMemoryStorage } from './memory-storage.js';
export { MemoryAuditLog } from './memory-audit-log.js';
export { MemoryNonceStore } from './memory-nonce-store.js';
export { MemoryPolicyStore } from './memory-policy-store.js';
export { MemoryRelyingPartyStore } from './memory-relying-party-store.js';
export { MemorySessionDenylist } from './memory-session-denylist.js';
export { MemorySettingsStore } from './memory-settings-store.js';
export { MemorySigningKeyStore } from './memory-signing-key-store.js';
export { MemoryRateLimiter, MEMORY_RATE_LIMITER_MAX_KEYS } from './memory-rate-limiter.js';
