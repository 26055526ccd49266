/**
 * The media type of a Content-Type header without its parameters, lower-cased
 * (RFC 9110 §8.3.1: `type/subtype` is case-insensitive):
 * `application/did+json; charset=utf-8` → `application/did+json`.
 * `undefined` when the header is missing or not of the `type/subtype` form.
 */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const essence = (contentType.split(';')[0] as string).trim().toLowerCase();
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(essence) ? essence : undefined;
}

/**
 * Whether a response's Content-Type is one of `accept` (compared without
 * parameters, exactly: `application/json` does not admit `text/json` or
 * `application/jsonx`). An empty `accept` admits anything, even no header.
 */
export function isAcceptedMediaType(contentType: string | undefined, accept: readonly string[]): boolean {
  if (accept.length === 0) return true;
  const essence = mediaTypeOf(contentType);
  return essence !== undefined && accept.some((type) => type.toLowerCase() === essence);
}
