/** Injection token of the composed core (src/kparty.ts). */
export const KPARTY = Symbol('kparty');
