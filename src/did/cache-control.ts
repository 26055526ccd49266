/**
 * How long an HTTP response may be used without asking again, in seconds,
 * from its headers (RFC 9111 §4.2.1, §5.1, §5.2.2), as a shared cache reads
 * them: `s-maxage` over `max-age`, minus `Age`; `no-store` and `no-cache` → 0.
 * `undefined` when the response says nothing (the caller picks its minimum).
 *
 * The caller clamps the result into its configured bounds: an origin can
 * shorten or lengthen caching only within them, so a hostile host cannot make
 * kparty fetch on every verification (`no-store`) or pin a document for a
 * year.
 *
 * @param headers - lower-cased header names, as the Fetcher answers them.
 */
export function freshnessLifetime(headers: Readonly<Record<string, string>>): number | undefined {
  const directives = parseCacheControl(headers['cache-control'] ?? '');
  if (directives.has('no-store') || directives.has('no-cache')) return 0;
  const lifetime = seconds(directives.get('s-maxage')) ?? seconds(directives.get('max-age'));
  if (lifetime === undefined) return undefined;
  const age = seconds(headers.age) ?? 0;
  return Math.max(0, lifetime - age);
}

/** Directive name (lower-cased) → value without quotes ('' when it has none). Later duplicates are ignored. */
function parseCacheControl(header: string): Map<string, string> {
  const directives = new Map<string, string>();
  for (const part of header.split(',')) {
    const [rawName, ...rest] = part.split('=');
    const name = (rawName as string).trim().toLowerCase();
    if (name === '' || directives.has(name)) continue;
    directives.set(
      name,
      rest
        .join('=')
        .trim()
        .replace(/^"(.*)"$/, '$1'),
    );
  }
  return directives;
}

/** Largest delta-seconds kept; larger values mean the same (RFC 9111 §1.2.2). */
const MAX_DELTA_SECONDS = 2 ** 31;

/** A delta-seconds value (RFC 9111 §1.2.2): digits only; larger than 2^31 counts as 2^31. */
function seconds(value: string | undefined): number | undefined {
  const digits = value?.trim();
  if (digits === undefined || digits.length > 64 || !/^\d+$/.test(digits)) return undefined;
  return Math.min(Number(digits), MAX_DELTA_SECONDS);
}
