import type { CheckFailure } from '../../core/model/check.js';
import { type CborLimits } from './cbor-scan.js';
import { DataItem, decodeCbor, decodeDataItem, isBytes, isMap } from './cbor.js';
import { parseCoseSign1, type CoseSign1, type Parsed } from './cose.js';

/**
 * The parts of an ISO/IEC 18013-5 §8.3.2.1.2.2 DeviceResponse kparty reads,
 * decoded from hostile bytes into plain structures. Parsing verifies nothing.
 */

/** One IssuerSignedItem as presented, with the exact bytes it was embedded as. */
export interface IssuerSignedElement {
  namespace: string;
  digestId: number;
  identifier: string;
  value: unknown;
  /** The IssuerSignedItem's encoded bytes (the content of its tag-24 byte string). */
  itemBytes: Uint8Array;
}

export interface MdocDocument {
  /** `credentials[i]`: the position among the DeviceResponse's documents. */
  path: string;
  docType: string;
  elements: IssuerSignedElement[];
  issuerAuth: CoseSign1;
  /** The DeviceNameSpaces' encoded bytes (the content of DeviceNameSpacesBytes' tag-24 byte string). */
  deviceNameSpacesBytes: Uint8Array;
  /** Names of device-signed elements, per namespace (not used as claims). */
  deviceSignedElementCount: number;
  deviceAuth: { kind: 'signature'; sign1: CoseSign1 } | { kind: 'mac' };
}

export interface ParsedDeviceResponse {
  version: string;
  status: number;
  documents: MdocDocument[];
  /** Documents the wallet could not return (`documentErrors`). */
  documentErrors: number;
}

export type DeviceResponseOutcome = { ok: true; response: ParsedDeviceResponse; failures: CheckFailure[] } | { ok: false; failures: CheckFailure[] };

/** Most documents one DeviceResponse may carry (one query answers with one; a few is generous). */
export const MAX_DOCUMENTS = 10;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function malformed(detail: string): DeviceResponseOutcome {
  return { ok: false, failures: [{ code: 'presentation.malformed', path: 'presentation', detail }] };
}

/**
 * Reads a DeviceResponse given as base64url (the OpenID4VP 1.0 Appendix
 * B.2.4 `vp_token` value) or raw bytes. The input is pre-scanned against
 * `limits` before it is decoded. A document that cannot be read is reported
 * as `credential.malformed` at its path; the others are kept.
 */
export function parseDeviceResponse(input: string | Uint8Array, limits: CborLimits): DeviceResponseOutcome {
  let bytes: Uint8Array;
  if (typeof input === 'string') {
    // 4/3 of the byte cap, so an oversized input is refused before it is decoded.
    if (input.length > Math.ceil((limits.maxBytes * 4) / 3) + 4) return malformed(`the DeviceResponse is larger than ${limits.maxBytes} bytes`);
    if (!BASE64URL.test(input) || input.length % 4 === 1) return malformed('the DeviceResponse must be base64url (OpenID4VP 1.0 Appendix B.2.4)');
    bytes = new Uint8Array(Buffer.from(input, 'base64url'));
  } else {
    bytes = input;
  }
  const decoded = decodeCbor(bytes, limits);
  if (!decoded.ok) return malformed(`the DeviceResponse: ${decoded.detail}`);
  const top = decoded.value;
  if (!isMap(top)) return malformed('the DeviceResponse must be a CBOR map');
  const version = top.get('version');
  if (typeof version !== 'string' || !/^1\.\d+$/.test(version)) return malformed('the DeviceResponse "version" must be "1.x"');
  const status = top.get('status');
  if (typeof status !== 'number' || !Number.isSafeInteger(status)) return malformed('the DeviceResponse has no integer "status"');
  const documents = top.get('documents');
  if (documents !== undefined && !Array.isArray(documents)) return malformed('the DeviceResponse "documents" must be an array');
  const documentErrors = top.get('documentErrors');
  if (documentErrors !== undefined && !Array.isArray(documentErrors)) return malformed('the DeviceResponse "documentErrors" must be an array');
  const list = (documents ?? []) as unknown[];
  if (list.length > MAX_DOCUMENTS) return malformed(`the DeviceResponse carries more than ${MAX_DOCUMENTS} documents`);

  const parsed: MdocDocument[] = [];
  const failures: CheckFailure[] = [];
  list.forEach((document, index) => {
    const path = `credentials[${index}]`;
    const read = parseDocument(document, path, limits);
    if (read.ok) parsed.push(read.value);
    else failures.push({ code: 'credential.malformed', path, detail: read.detail });
  });
  return { ok: true, response: { version, status, documents: parsed, documentErrors: (documentErrors as unknown[] | undefined)?.length ?? 0 }, failures };
}

function parseDocument(document: unknown, path: string, limits: CborLimits): Parsed<MdocDocument> {
  if (!isMap(document)) return { ok: false, detail: 'a Document must be a map' };
  const docType = document.get('docType');
  if (typeof docType !== 'string' || docType.length === 0) return { ok: false, detail: 'the Document has no "docType"' };
  const issuerSigned = document.get('issuerSigned');
  if (!isMap(issuerSigned)) return { ok: false, detail: 'the Document has no "issuerSigned" map' };
  const issuerAuth = parseCoseSign1(issuerSigned.get('issuerAuth'), (bytes) => decodeCbor(bytes, limits));
  if (!issuerAuth.ok) return { ok: false, detail: `issuerAuth: ${issuerAuth.detail}` };
  if (issuerAuth.value.payload === null) return { ok: false, detail: 'issuerAuth has no payload (the MSO)' };

  const elements: IssuerSignedElement[] = [];
  const nameSpaces = issuerSigned.get('nameSpaces');
  if (nameSpaces !== undefined) {
    if (!isMap(nameSpaces)) return { ok: false, detail: '"issuerSigned.nameSpaces" must be a map' };
    for (const [namespace, items] of nameSpaces) {
      if (typeof namespace !== 'string') return { ok: false, detail: 'a namespace name must be a text string' };
      if (!Array.isArray(items) || items.length === 0)
        return { ok: false, detail: `namespace "${namespace}" must be a non-empty array of IssuerSignedItemBytes` };
      for (const item of items as unknown[]) {
        const element = parseIssuerSignedItem(item, namespace, limits);
        if (!element.ok) return element;
        elements.push(element.value);
      }
    }
  }
  const seen = new Set<string>();
  for (const element of elements) {
    const key = JSON.stringify([element.namespace, element.identifier]);
    const id = JSON.stringify([element.namespace, element.digestId]);
    if (seen.has(key) || seen.has(id))
      return { ok: false, detail: `element "${element.identifier}" of "${element.namespace}" (or its digestID) is presented twice` };
    seen.add(key);
    seen.add(id);
  }

  const deviceSigned = document.get('deviceSigned');
  if (!isMap(deviceSigned)) return { ok: false, detail: 'the Document has no "deviceSigned" map (OpenID4VP requires device authentication)' };
  const deviceNameSpaces = deviceSigned.get('nameSpaces');
  if (!(deviceNameSpaces instanceof DataItem)) return { ok: false, detail: '"deviceSigned.nameSpaces" must be DeviceNameSpacesBytes (tag 24)' };
  const deviceNs = decodeDataItem(deviceNameSpaces, limits);
  if (!deviceNs.ok || !isMap(deviceNs.value)) return { ok: false, detail: '"deviceSigned.nameSpaces" must encode a map' };
  let deviceSignedElementCount = 0;
  for (const items of deviceNs.value.values()) deviceSignedElementCount += isMap(items) ? items.size : 0;

  const deviceAuthMap = deviceSigned.get('deviceAuth');
  if (!isMap(deviceAuthMap)) return { ok: false, detail: 'the Document has no "deviceSigned.deviceAuth" map' };
  let deviceAuth: MdocDocument['deviceAuth'];
  if (deviceAuthMap.has('deviceMac') && !deviceAuthMap.has('deviceSignature')) {
    deviceAuth = { kind: 'mac' };
  } else {
    const signature = parseCoseSign1(deviceAuthMap.get('deviceSignature'), (bytes) => decodeCbor(bytes, limits));
    if (!signature.ok) return { ok: false, detail: `deviceSignature: ${signature.detail}` };
    if (deviceAuthMap.has('deviceMac')) return { ok: false, detail: 'deviceAuth must hold either "deviceSignature" or "deviceMac", not both' };
    deviceAuth = { kind: 'signature', sign1: signature.value };
  }
  return {
    ok: true,
    value: { path, docType, elements, issuerAuth: issuerAuth.value, deviceNameSpacesBytes: deviceNameSpaces.buffer, deviceSignedElementCount, deviceAuth },
  };
}

function parseIssuerSignedItem(item: unknown, namespace: string, limits: CborLimits): Parsed<IssuerSignedElement> {
  if (!(item instanceof DataItem)) return { ok: false, detail: `an item of "${namespace}" is not IssuerSignedItemBytes (tag 24)` };
  const decoded = decodeDataItem(item, limits);
  if (!decoded.ok) return { ok: false, detail: `an item of "${namespace}": ${decoded.detail}` };
  const map = decoded.value;
  if (!isMap(map)) return { ok: false, detail: `an item of "${namespace}" must encode a map` };
  const digestId = map.get('digestID');
  const random = map.get('random');
  const identifier = map.get('elementIdentifier');
  if (typeof digestId !== 'number' || !Number.isSafeInteger(digestId) || digestId < 0)
    return { ok: false, detail: `an item of "${namespace}" has no unsigned integer "digestID"` };
  if (!isBytes(random) || random.length < 16)
    return { ok: false, detail: `an item of "${namespace}" must have a "random" of at least 16 bytes (ISO/IEC 18013-5 §9.1.2.5)` };
  if (typeof identifier !== 'string' || identifier.length === 0) return { ok: false, detail: `an item of "${namespace}" has no "elementIdentifier"` };
  if (!map.has('elementValue')) return { ok: false, detail: `element "${identifier}" of "${namespace}" has no "elementValue"` };
  return { ok: true, value: { namespace, digestId, identifier, value: map.get('elementValue'), itemBytes: item.buffer } };
}
