/**
 * The parts of Digital Bazaar's status-list libraries the tests use as an
 * independent implementation (they ship JavaScript without types).
 */
declare module '@digitalbazaar/vc-bitstring-status-list' {
  export class BitstringStatusList {
    constructor(options?: { length?: number; buffer?: Uint8Array });
    readonly length: number;
    setStatus(index: number, status: boolean): void;
    getStatus(index: number): boolean;
    /** `u` + base64url(GZIP(bitstring)). */
    encode(): Promise<string>;
    static decode(options: { encodedList: string }): Promise<BitstringStatusList>;
  }
  export function createList(options: { length: number }): Promise<BitstringStatusList>;
  export function decodeList(options: { encodedList: string }): Promise<BitstringStatusList>;
  export function createCredential(options: {
    id: string;
    list: BitstringStatusList;
    statusPurpose: string;
    context?: string[];
  }): Promise<Record<string, unknown> & { credentialSubject: Record<string, unknown> }>;
}

declare module '@digitalbazaar/vc-status-list' {
  export class StatusList {
    constructor(options?: { length?: number; buffer?: Uint8Array });
    readonly length: number;
    setStatus(index: number, status: boolean): void;
    getStatus(index: number): boolean;
    /** base64url(GZIP(bitstring)), no multibase prefix. */
    encode(): Promise<string>;
    static decode(options: { encodedList: string }): Promise<StatusList>;
  }
  export function createList(options: { length: number }): Promise<StatusList>;
  export function createCredential(options: {
    id: string;
    list: StatusList;
    statusPurpose: string;
  }): Promise<Record<string, unknown> & { credentialSubject: Record<string, unknown> }>;
}
