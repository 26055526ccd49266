/**
 * docs/api.md "SD-JWT VC walk-through" runs as written: its shell block is
 * taken from the document and run with bash against a built kparty, the
 * issuer and wallet being examples/sd-jwt-vc/sd-jwt-wallet.mjs
 * (@sd-jwt/sd-jwt-vc).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startKparty, TEST_ADMIN_KEY, type RunningKparty } from './harness.js';

const run = promisify(execFile);

function walkthrough(): string {
  const doc = readFileSync(join(process.cwd(), 'docs', 'api.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## 12. SD-JWT VC walk-through'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error('no shell block in the SD-JWT VC walk-through');
  return block[1];
}

describe('docs/api.md SD-JWT VC walk-through', () => {
  let kparty: RunningKparty;
  beforeAll(async () => {
    kparty = await startKparty();
  });
  afterAll(async () => {
    await kparty?.stop();
  });

  it('runs as written: the presentation is verified and exchanged for a session token', async () => {
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', walkthrough()], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? '', KP: kparty.baseUrl, ADMIN: TEST_ADMIN_KEY },
      timeout: 60_000,
    });
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      { id: 'pid-portal', formats: ['dc+sd-jwt'] },
      {
        verified: true,
        holder: expect.stringMatching(/^urn:ietf:params:oauth:jwk-thumbprint:sha-256:[A-Za-z0-9_-]{43}$/),
        credentials: [
          expect.objectContaining({
            format: 'dc+sd-jwt',
            issuer: 'https://issuer.example.com',
            type: ['urn:eudi:pid:1'],
            claims: { given_name: 'Erika', age_equal_or_over: { '18': true } },
          }),
        ],
      },
      { token_type: 'Bearer', scope: 'pid', issued: true },
    ]);
  });
});
