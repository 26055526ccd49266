export { openSqliteStorage, SqliteStorage } from './sqlite-storage.js';
export { openSqliteDatabase, BUSY_TIMEOUT_MS } from './database.js';
export { applyMigrations } from './migrate.js';
export { MIGRATIONS, type Migration } from './migrations.js';
export { SqliteNonceStore } from './sqlite-nonce-store.js';
export { SqlitePolicyStore } from './sqlite-policy-store.js';
export { SqliteRelyingPartyStore } from './sqlite-relying-party-store.js';
export { SqliteSettingsStore } from './sqlite-settings-store.js';
export { SqliteSigningKeyStore } from './sqlite-signing-key-store.js';
