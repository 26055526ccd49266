import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Runs `node scripts/demo.mjs` (what `npm run demo` runs) and collects its output. */
function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [resolve(process.cwd(), 'scripts', 'demo.mjs')], {
    // Like the suite's global setup, the demo builds dist/ unless KPARTY_SKIP_BUILD=1 says it is built.
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
      ok({ code, stdout, stderr, ms: Date.now() - started });
    }),
  );
}

describe('npm run demo', () => {
  it('walks through issue → present → session token → API allowed → revoke → API refused, in under a minute, and cleans up', async () => {
    const run = await runDemo();
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.ms).toBeLessThan(60_000);
    const lines = [
      /kparty is running at http:\/\/127\.0\.0\.1:\d+/,
      /issuer {2}did:key:z6Mk/,
      /holder {2}did:key:z6Mk/,
      /HR issued Alice an EmployeeCredential/,
      /registered the relying party "orders"/,
      /POST \/v1\/admin\/relying-parties/,
      /defined the policy "employee-portal"/,
      /PUT \/v1\/admin\/policies\/employee-portal/,
      /GET \/orders without a token → 401/,
      /asked kparty for a challenge/,
      /POST \/v1\/challenges/,
      /POST \/v1\/presentations\/verify/,
      /verified: true, holder did:key:z6Mk/,
      /session token eyJ\S+ \(Bearer, expires in 300 s, scope "orders:read orders:write"\)/,
      /GET \/orders with the token → 200 ALLOWED: 1 order\(s\) for alice@example\.com/,
      /revoked the session token \(POST \/v1\/sessions\/revoke/,
      /GET \/orders with the same token → 401 REFUSED/,
      /WWW-Authenticate: Bearer error="invalid_token"/,
      /demo finished: every step behaved as expected/,
      /docs\/api\.md/,
    ];
    let from = 0;
    for (const line of lines) {
      const match = line.exec(run.stdout.slice(from));
      expect({ line: String(line), found: match !== null }).toEqual({ line: String(line), found: true });
      from += match!.index + match![0].length;
    }
    const workDir = /SQLite in (\S+),/.exec(run.stdout)?.[1];
    expect(workDir).toMatch(/kparty-demo-/);
    expect(existsSync(workDir!)).toBe(false);
    // No secret on screen: the operator key is never printed, the relying party's key only as its prefix.
    expect(run.stdout).not.toMatch(/kpk_[A-Za-z0-9_-]{4,}/);
  }, 70_000);
});
