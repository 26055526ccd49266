import type { SettingsStore } from '../core/ports/settings-store.js';
import { hashApiKey, randomToken } from '../core/secrets.js';

const SETTING = 'operator_key_sha256';

export interface OperatorKey {
  /** SHA-256 hex of the operator key. */
  hash: string;
  /** Set only on the start that generated the key: show it once, then forget it. */
  generated?: string;
}

/**
 * The operator key: KPARTY_ADMIN_KEY when set; otherwise one generated on the
 * first start, of which only the hash is stored (like an initial admin
 * password). Replicas racing on first start agree on one key through
 * `setIfAbsent`; only the winner prints its key.
 */
export async function resolveOperatorKey(configured: string | undefined, settings: SettingsStore): Promise<OperatorKey> {
  if (configured !== undefined) return { hash: hashApiKey(configured) };
  const existing = await settings.get(SETTING);
  if (existing) return { hash: existing };
  const key = `kpo_${randomToken(32)}`;
  const hash = hashApiKey(key);
  const stored = await settings.setIfAbsent(SETTING, hash);
  return stored === hash ? { hash, generated: key } : { hash: stored };
}

/**
 * `kparty admin-key reset`: a new generated operator key replaces the stored
 * hash. Returns the key (to show once). Running processes keep the old hash
 * until they restart; KPARTY_ADMIN_KEY, when set, still wins at start.
 */
export async function resetOperatorKey(settings: SettingsStore): Promise<string> {
  const key = `kpo_${randomToken(32)}`;
  await settings.set(SETTING, hashApiKey(key));
  return key;
}

/**
 * The generated operator key as a block a person notices among log lines
 * (printed on stderr when stdout is a terminal; the JSON log line stays).
 */
export function operatorKeyBanner(key: string): string {
  const rule = '='.repeat(76);
  return [
    '',
    rule,
    '  kparty: KPARTY_ADMIN_KEY is not set, so an operator key was generated:',
    '',
    `      ${key}`,
    '',
    '  Store it now (a password manager or secret store): it is shown this once',
    '  and only its hash is kept. Lost it? Set KPARTY_ADMIN_KEY, or run',
    '  `kparty admin-key reset` — see docs/operations.md#operator-key.',
    rule,
    '',
    '',
  ].join('\n');
}
