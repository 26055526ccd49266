/**
 * Freezes a JSON-like value and everything inside it. Cached DID documents
 * are shared by every caller, so none of them may change one for the others.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
