/**
 * Quoting values in failure details. Details reach the wallet and the audit
 * log, so what comes from a credential is quoted (never interpreted) and cut
 * short: a failure must not echo megabytes.
 */

const MAX_QUOTED = 128;

/** JSON text of `value`, shortened to about 128 characters. */
export function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
}
