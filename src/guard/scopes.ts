/** Scope handling (RFC 6749 §3.3, RFC 9068 §2.2.3): a space-separated list of case-sensitive scope tokens. */

/** scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Validates scopes given by the application; a bad one is a programming error, reported at once. */
export function requireScopeTokens(scopes: readonly string[], where: string): readonly string[] {
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new TypeError(`${where}: ${JSON.stringify(scope)} is not an RFC 6749 scope token (no spaces, quotes or backslashes)`);
    }
  }
  return scopes;
}

/** The scopes a token grants: its `scope` claim split on spaces; none when the claim is absent. */
export function grantedScopes(scopeClaim: unknown): Set<string> {
  if (typeof scopeClaim !== 'string') return new Set();
  return new Set(scopeClaim.split(' ').filter((scope) => scope.length > 0));
}

/** The required scopes the token lacks, in the order they were required. */
export function missingScopes(required: readonly string[], scopeClaim: unknown): string[] {
  const granted = grantedScopes(scopeClaim);
  return required.filter((scope) => !granted.has(scope));
}
