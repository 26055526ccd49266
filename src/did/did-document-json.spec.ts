import { describe, expect, it } from '@jest/globals';
import { DidResolutionError } from './did-method-resolver.js';
import { MAX_DID_DOCUMENT_DEPTH, parseFetchedDidDocument } from './did-document-json.js';

const DID = 'did:web:example.com';
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const nested = (depth: number): string => `{"id":"${DID}","x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

function detailOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DidResolutionError) return error.message;
    throw error;
  }
  throw new Error('did not throw');
}

describe('parseFetchedDidDocument', () => {
  it('reads a document whose id is the DID (a UTF-8 BOM is allowed)', () => {
    expect(parseFetchedDidDocument(bytes(`{"id":"${DID}","alsoKnownAs":["ünï"]}`), DID)).toEqual({ id: DID, alsoKnownAs: ['ünï'] });
    expect(parseFetchedDidDocument(bytes(`\uFEFF{"id":"${DID}"}`), DID)).toEqual({ id: DID });
  });

  it(`accepts nesting of ${MAX_DID_DOCUMENT_DEPTH} levels and refuses one more, without recursion on 100,000 levels`, () => {
    expect(parseFetchedDidDocument(bytes(nested(MAX_DID_DOCUMENT_DEPTH)), DID).id).toBe(DID);
    expect(detailOf(() => parseFetchedDidDocument(bytes(nested(MAX_DID_DOCUMENT_DEPTH + 1)), DID))).toBe('the DID document is nested too deeply');
    expect(detailOf(() => parseFetchedDidDocument(bytes(nested(100_000)), DID))).toBe('the DID document is nested too deeply');
  });

  it.each([
    ['not JSON', bytes('<html>'), 'the DID document is not JSON'],
    ['empty', bytes(''), 'the DID document is not JSON'],
    ['invalid UTF-8', Uint8Array.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), 'the DID document is not JSON'],
    ['an array', bytes(`[{"id":"${DID}"}]`), 'the DID document is not a JSON object'],
    ['a string', bytes(`"${DID}"`), 'the DID document is not a JSON object'],
    ['null', bytes('null'), 'the DID document is not a JSON object'],
    ['no id', bytes('{}'), 'the DID document does not describe this DID'],
    ['another DID', bytes('{"id":"did:web:evil.example"}'), 'the DID document does not describe this DID'],
    ['the DID in other case', bytes('{"id":"did:web:EXAMPLE.com"}'), 'the DID document does not describe this DID'],
    ['the DID percent-encoded differently', bytes('{"id":"did:web:example%2Ecom"}'), 'the DID document does not describe this DID'],
    ['the DID with a fragment', bytes(`{"id":"${DID}#key-1"}`), 'the DID document does not describe this DID'],
    ['an id that is not a string', bytes('{"id":["did:web:example.com"]}'), 'the DID document does not describe this DID'],
  ])('refuses %s', (_label, body, detail) => {
    expect(detailOf(() => parseFetchedDidDocument(body, DID))).toBe(detail);
  });
});
