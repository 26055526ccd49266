/** The parts of Digital Bazaar's Data Integrity libraries the tests use as an independent implementation (JavaScript without types). */
declare module '@digitalbazaar/vc' {
  export function issue(options: Record<string, unknown>): Promise<unknown>;
  export function createPresentation(options: Record<string, unknown>): Record<string, unknown>;
  export function signPresentation(options: Record<string, unknown>): Promise<unknown>;
  export function verify(options: Record<string, unknown>): Promise<{ verified: boolean; error?: unknown; [key: string]: unknown }>;
  export function verifyCredential(options: Record<string, unknown>): Promise<{ verified: boolean; error?: unknown; [key: string]: unknown }>;
}
declare module '@digitalbazaar/data-integrity' {
  export class DataIntegrityProof {
    constructor(options: Record<string, unknown>);
  }
}
declare module '@digitalbazaar/ed25519-multikey' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  export function generate(options?: Record<string, unknown>): Promise<any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  export function from(key: Record<string, unknown>): Promise<any>;
}
declare module '@digitalbazaar/ecdsa-multikey' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  export function toJwk(options: { keyPair: any; secretKey?: boolean }): Promise<Record<string, unknown>>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  export function generate(options?: Record<string, unknown>): Promise<any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  export function from(key: Record<string, unknown>): Promise<any>;
}
declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: Record<string, unknown>;
}
declare module '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite' {
  export const cryptosuite: Record<string, unknown>;
}
declare module '@digitalbazaar/eddsa-jcs-2022-cryptosuite' {
  export function createSignCryptosuite(): Record<string, unknown>;
  export function createVerifyCryptosuite(): Record<string, unknown>;
}
declare module '@digitalbazaar/ecdsa-jcs-2019-cryptosuite' {
  export function createSignCryptosuite(): Record<string, unknown>;
  export function createVerifyCryptosuite(): Record<string, unknown>;
}
