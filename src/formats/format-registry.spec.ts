import { describe, expect, it } from '@jest/globals';
import { toyFormat } from '../verification/__fixtures__/toy-format.js';
import { SINGLE } from './__fixtures__/proof-environment.js';
import { FormatRegistry } from './format-registry.js';
import { JWT_VC_JSON, jwtVpFormat } from './jwt-vc/jwt-vp-format.js';
import { credentialFormat, FORMAT_MODULES } from './registered-formats.js';
import { vpJwtFormat } from './vc-jose/vp-jwt-format.js';

describe('format registry', () => {
  it('refuses two handlers for one presentation or credential format (a wiring mistake)', () => {
    expect(() => new FormatRegistry([jwtVpFormat, jwtVpFormat])).toThrow('Two format handlers registered for jwt_vp_json');
    // One definition may be shared by several presentation formats; two different definitions of one id may not.
    expect(() => new FormatRegistry([jwtVpFormat, { ...vpJwtFormat, credentialFormats: jwtVpFormat.credentialFormats }])).not.toThrow();
    expect(() => new FormatRegistry([jwtVpFormat, { ...vpJwtFormat, credentialFormats: [{ ...JWT_VC_JSON }] }])).toThrow(
      'Two format handlers registered for credential format jwt_vc_json',
    );
  });

  it('answers presentation.malformed naming the supported formats when nothing recognises the input', () => {
    const registry = new FormatRegistry([jwtVpFormat, vpJwtFormat]);
    expect(registry.parse(42, SINGLE, 'challenge').failures).toEqual([
      { code: 'presentation.malformed', path: 'presentation', detail: 'not a presentation kparty recognises (supported: jwt_vp_json, vp+jwt)' },
    ]);
  });

  it('answers presentation.format_unsupported for a format the door cannot bind', () => {
    const registry = new FormatRegistry([toyFormat({}, ['oid4vp'])]);
    expect(registry.parse({ toy: 'vp', credentials: [] }, SINGLE, 'challenge').failures.map((f) => f.code)).toEqual(['presentation.format_unsupported']);
  });

  it('registers every format kparty verifies, each credential format once', () => {
    const ids = FORMAT_MODULES.flatMap((m) => m.credentialFormats.map((f) => f.id));
    expect(ids).toEqual(expect.arrayContaining(['jwt_vc_json', 'vc+jwt', 'dc+sd-jwt', 'ldp_vc', 'mso_mdoc']));
    for (const id of ids) expect(credentialFormat(id)?.id).toBe(id);
  });
});
