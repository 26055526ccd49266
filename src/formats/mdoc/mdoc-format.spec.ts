import { readFileSync } from 'node:fs';
import { DidResolver } from '../../did/did-resolver.js';
import type { Fetcher } from '../../core/ports/fetcher.js';
import { createFormatRegistry } from '../registered-formats.js';
import { looksLikeDeviceResponse, mdocMatchesMeta, mdocVpFormatsSupported } from './mdoc-format.js';

const paradym = (
  /\(\s*'([A-Za-z0-9_-]+)'\s*\)/.exec(
    readFileSync(new URL('../../../test/vectors/mdoc/mdoc-ts/animo-mdoc-05/deviceResponse.ts.txt', import.meta.url), 'utf8'),
  ) as RegExpExecArray
)[1] as string;

describe('mso_mdoc format facts', () => {
  it("recognises a base64url DeviceResponse (a real wallet's) and nothing JWT- or SD-JWT-shaped", () => {
    expect(looksLikeDeviceResponse(paradym)).toBe(true);
    expect(looksLikeDeviceResponse('eyJhbGciOiJFUzI1NiJ9.e30.c2ln')).toBe(false);
    expect(looksLikeDeviceResponse('eyJhbGciOiJFUzI1NiJ9.e30.sig~WyJzYWx0IiwibmFtZSIsInYiXQ~')).toBe(false);
    expect(looksLikeDeviceResponse(Buffer.from('just some text that is long').toString('base64url'))).toBe(false);
    expect(looksLikeDeviceResponse({ version: '1.0' })).toBe(false);
  });

  it('POST /v1/presentations/verify answers presentation.format_unsupported, pointing to OpenID4VP', () => {
    const registry = createFormatRegistry({ dids: new DidResolver([]), fetcher: {} as Fetcher });
    const outcome = registry.parse(paradym, { index: 0, path: 'presentation', credentialPath: (i) => `credentials[${i}]` }, 'challenge');
    expect(outcome).toMatchObject({
      ok: false,
      failures: [{ code: 'presentation.format_unsupported', path: 'presentation', detail: expect.stringContaining('OpenID4VP') }],
    });
    expect(outcome.handler?.presentationFormat).toBe('mso_mdoc');
  });

  it('matches DCQL meta.doctype_value exactly, and only it', () => {
    expect(mdocMatchesMeta({ doctype_value: 'org.iso.18013.5.1.mDL' }, 'org.iso.18013.5.1.mDL')).toBe(true);
    expect(mdocMatchesMeta({ doctype_value: 'eu.europa.ec.eudi.pid.1' }, 'org.iso.18013.5.1.mDL')).toBe(false);
    expect(mdocMatchesMeta(undefined, 'org.iso.18013.5.1.mDL')).toBe(false);
    expect(mdocMatchesMeta({ vct_values: ['org.iso.18013.5.1.mDL'] }, 'org.iso.18013.5.1.mDL')).toBe(false);
  });

  it('offers the COSE algorithms it verifies in vp_formats_supported (OpenID4VP 1.0 Appendix B.2.2)', () => {
    expect(mdocVpFormatsSupported()).toEqual({
      mso_mdoc: { issuerauth_alg_values: [-7, -35, -36, -8, -9, -51, -52, -19], deviceauth_alg_values: [-7, -35, -36, -8, -9, -51, -52, -19] },
    });
  });
});
