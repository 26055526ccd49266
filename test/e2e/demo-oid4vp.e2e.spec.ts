import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** Runs `node scripts/demo.mjs oid4vp` (what `npm run demo -- oid4vp` runs). */
function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [resolve(process.cwd(), 'scripts', 'demo.mjs'), 'oid4vp'], {
    env: { PATH: process.env.PATH ?? '', ...(process.env.KPARTY_SKIP_BUILD ? { KPARTY_SKIP_BUILD: process.env.KPARTY_SKIP_BUILD } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((ok) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr });
    }),
  );
}

describe('npm run demo -- oid4vp', () => {
  it('prints a terminal QR code, and Openid4vpClient answers the request end to end', async () => {
    const run = await runDemo();
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    for (const line of [
      /kparty is running at http:\/\/localhost:\d+/,
      /a phone would scan this:/,
      /▄▄▄▄▄▄▄/,
      /client_id decentralized_identifier:did:web:localhost%3A\d+/,
      /direct_post\.jwt\) → 200 \{\}/,
      /read the outcome with its key: verified/,
      /the result is gone/,
      /demo finished: every step behaved as expected/,
    ]) {
      expect(run.stdout).toMatch(line);
    }
  }, 70_000);
});
