/**
 * The parts of JavaScript-only packages the Data Integrity format reads (they
 * ship no types). Only what kparty calls is declared.
 */
declare module '@digitalbazaar/credentials-context' {
  export const contexts: Map<string, unknown>;
}
declare module '@digitalbazaar/data-integrity-context' {
  const value: { contexts: Map<string, unknown> };
  export default value;
}
declare module '@digitalbazaar/multikey-context' {
  const value: { contexts: Map<string, unknown> };
  export default value;
}
declare module '@digitalbazaar/vc-bitstring-status-list-context' {
  export const contexts: Map<string, unknown>;
}
declare module '@digitalbazaar/vc-status-list-context' {
  const value: { contexts: Map<string, unknown> };
  export default value;
}
declare module 'rdf-canonize' {
  export interface Quad {
    subject: { termType: string; value: string };
    predicate: { termType: string; value: string };
    object: { termType: string; value: string };
    graph: { termType: string; value: string };
  }
  export function canonize(
    dataset: Quad[],
    options: {
      algorithm: 'RDFC-1.0';
      format?: 'application/n-quads';
      maxWorkFactor?: number;
      maxDeepIterations?: number;
      signal?: AbortSignal;
      messageDigestAlgorithm?: 'SHA-256' | 'SHA-384';
    },
  ): Promise<string>;
}
declare module 'jsonld/lib/ContextResolver.js' {
  /** jsonld.js's context resolver; `sharedCache` is where resolved contexts are kept between calls (`get`/`set`). */
  export default class ContextResolver {
    constructor(options: { sharedCache: { get(key: string): unknown; set(key: string, value: unknown): unknown } });
  }
}
