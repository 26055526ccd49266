/**
 * Reading and copying credential JSON safely. Credential documents come from
 * parsed JSON, where `"__proto__"` and `"constructor"` are ordinary own keys:
 * reading them must not reach `Object.prototype`, and writing them must not
 * change an object's prototype. Everything here works on own properties only.
 */

export type JsonObject = Record<string, unknown>;

/** A JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sets `target[key] = value` as an own data property, even for `"__proto__"`
 * (a plain assignment would replace the prototype instead).
 */
export function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

function emptyLike(container: object): JsonObject | unknown[] {
  return Array.isArray(container) ? new Array<unknown>(container.length) : {};
}

/**
 * A deep copy of JSON data, so what is handed out (session claims, disclosed
 * claims) cannot alias the verified credential. Iterative rather than
 * recursive: JSON.parse accepts nesting far deeper than the call stack, and a
 * copy must not throw a RangeError where parsing succeeded. Shared and cyclic
 * references are preserved rather than followed forever.
 */
export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const copies = new Map<object, JsonObject | unknown[]>();
  const root = emptyLike(value);
  copies.set(value, root);
  const pending: object[] = [value];
  for (let source = pending.pop(); source !== undefined; source = pending.pop()) {
    const target = copies.get(source) as JsonObject | unknown[];
    for (const key of Object.keys(source)) {
      const item: unknown = (source as JsonObject)[key];
      let copy = item;
      if (typeof item === 'object' && item !== null) {
        copy = copies.get(item);
        if (copy === undefined) {
          const fresh = emptyLike(item);
          copies.set(item, fresh);
          pending.push(item);
          copy = fresh;
        }
      }
      if (Array.isArray(target)) target[Number(key)] = copy;
      else setOwn(target, key, copy);
    }
  }
  return root as T;
}
