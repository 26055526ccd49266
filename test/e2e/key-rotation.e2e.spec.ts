/**
 * Session-signing key rotation against the built service: the admin endpoint,
 * the `kparty keys` command line on the same database, and the configuration
 * checks. The timing of lead time and retirement is covered with a fixed clock
 * in src/session/signing-key-rotation.spec.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { startExpectingFailure, startKparty, TEST_ADMIN_KEY, type RunningKparty } from './harness.js';
import { expectProblem } from './problem.js';
import { mintSessionToken, setUpSessions, type SessionSetup } from './session-tokens.js';

const CLI = resolve(process.cwd(), 'dist', 'cli.js');
const LEAD_SECONDS = 120;

let kparty: RunningKparty;
let setup: SessionSetup;

const mint = (): Promise<string> => mintSessionToken(kparty, setup, 'employee-portal');
const kidOf = (token: string): string | undefined => decodeProtectedHeader(token).kid;
const jwksKids = async (): Promise<string[]> => (await kparty.request('GET', '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
const states = async (): Promise<Array<[string, string]>> =>
  (await kparty.request('GET', '/v1/admin/keys', { key: TEST_ADMIN_KEY })).body.keys.map((k: { kid: string; state: string }) => [k.kid, k.state]);

/** Runs `node dist/cli.js …` on the test kparty's database. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: `sqlite:${join(kparty.dataDir, 'kparty.db')}`, KPARTY_KEY_ROTATION_LEAD: String(LEAD_SECONDS), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((ok) => child.once('close', (code) => ok({ code, stdout, stderr })));
}

beforeAll(async () => {
  kparty = await startKparty({ env: { KPARTY_KEY_ROTATION_LEAD: String(LEAD_SECONDS) } });
  setup = await setUpSessions(kparty, [{ id: 'employee-portal', ttlSeconds: 300, scope: 'orders:read' }]);
});

afterAll(async () => {
  await kparty?.stop();
});

describe('POST /v1/admin/keys/rotate', () => {
  it('is for the operator only', async () => {
    expectProblem(await kparty.request('POST', '/v1/admin/keys/rotate'), 401, 'auth.unauthorized');
    expectProblem(await kparty.request('POST', '/v1/admin/keys/rotate', { key: setup.rpKey }), 403, 'auth.forbidden');
    expectProblem(await kparty.request('GET', '/v1/admin/keys', { key: setup.rpKey }), 403, 'auth.forbidden');
  });

  it('refuses unknown or malformed query parameters', async () => {
    for (const query of ['?immediate=yes', '?immediate=true&immediate=true', '?now=1']) {
      expectProblem(await kparty.request('POST', `/v1/admin/keys/rotate${query}`, { key: TEST_ADMIN_KEY }), 400, 'request.invalid');
    }
    expect(await states()).toHaveLength(1);
  });

  it('publishes the next key at once and signs with it after the lead time; a second call returns the pending key', async () => {
    const [[oldKid]] = (await states()) as [[string, string]];
    const before = await mint();
    expect(kidOf(before)).toBe(oldKid);
    const started = Date.now();
    const reply = await kparty.request('POST', '/v1/admin/keys/rotate', { key: TEST_ADMIN_KEY });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.body).toEqual({ kid: expect.any(String), activatesAt: expect.any(String), created: true });
    const activatesAt = Date.parse(reply.body.activatesAt);
    expect(activatesAt - started).toBeGreaterThanOrEqual(LEAD_SECONDS * 1000 - 1000);
    expect(activatesAt - started).toBeLessThanOrEqual(LEAD_SECONDS * 1000 + 5000);
    expect(await jwksKids()).toEqual([oldKid, reply.body.kid]);
    expect(await states()).toEqual([
      [oldKid, 'signing'],
      [reply.body.kid, 'pending'],
    ]);
    expect(kidOf(await mint())).toBe(oldKid);
    const again = await kparty.request('POST', '/v1/admin/keys/rotate?immediate=false', { key: TEST_ADMIN_KEY });
    expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: { ...reply.body, created: false } });
  });

  it('?immediate=true signs with a new key at once; tokens of the old keys stay valid', async () => {
    const before = await mint();
    const [[oldKid], [pendingKid]] = (await states()) as [[string, string], [string, string]];
    const reply = await kparty.request('POST', '/v1/admin/keys/rotate?immediate=true', { key: TEST_ADMIN_KEY });
    expect(reply.status).toBe(201);
    expect(Math.abs(Date.parse(reply.body.activatesAt) - Date.now())).toBeLessThan(5000);
    const after = await mint();
    expect(kidOf(after)).toBe(reply.body.kid);
    expect(await states()).toEqual([
      [oldKid, 'retired'],
      [pendingKid, 'retired'],
      [reply.body.kid, 'signing'],
    ]);
    expect(await jwksKids()).toEqual([oldKid, pendingKid, reply.body.kid]);
    for (const token of [before, after]) {
      const introspected = await kparty.request('POST', '/v1/sessions/introspect', { key: setup.rpKey, body: { token } });
      expect(introspected.body).toMatchObject({ active: true });
      expect((await kparty.request('GET', '/v1/auth/check', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    }
  });
});

describe('kparty keys (command line)', () => {
  it('keys list prints the keys and their states as JSON, keys rotate rotates the same database', async () => {
    const listed = await cli(['keys', 'list']);
    expect(listed.code).toBe(0);
    const { keys } = JSON.parse(listed.stdout) as { keys: Array<{ kid: string; state: string; alg: string }> };
    expect(keys.map((k) => [k.kid, k.state])).toEqual(await states());
    const rotated = await cli(['keys', 'rotate']);
    expect({ code: rotated.code, stderr: rotated.stderr }).toEqual({ code: 0, stderr: '' });
    const outcome = JSON.parse(rotated.stdout) as { kid: string; activatesAt: string; created: boolean };
    expect(outcome).toEqual({ kid: expect.any(String), activatesAt: expect.any(String), created: true });
    expect(Date.parse(outcome.activatesAt) - Date.now()).toBeGreaterThan((LEAD_SECONDS - 10) * 1000);
    // The running service reads the same storage.
    expect((await states()).at(-1)).toEqual([outcome.kid, 'pending']);
    const again = await cli(['keys', 'rotate']);
    expect(JSON.parse(again.stdout)).toEqual({ ...outcome, created: false });
  });

  it('exits 2 with the usage on an unknown command or option, 0 for help', async () => {
    for (const args of [['keys', 'shred'], ['keys', 'rotate', '--now'], ['users']]) {
      const run = await cli(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('usage: kparty');
      expect(run.stdout).toBe('');
    }
    const help = await cli(['help']);
    expect({ code: help.code, usage: help.stdout.startsWith('usage: kparty') }).toEqual({ code: 0, usage: true });
  });

  it('exits 1 naming the variable on invalid configuration, touching nothing', async () => {
    const before = await states();
    const run = await cli(['keys', 'rotate'], { KPARTY_KEY_ROTATION_LEAD: '30' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^kparty: invalid configuration: KPARTY_KEY_ROTATION_LEAD must be between 61 and 86400/);
    expect(await states()).toEqual(before);
  });
});

describe('rotation configuration', () => {
  it.each([
    [{ KPARTY_KEY_ROTATION_LEAD: '60' }, /KPARTY_KEY_ROTATION_LEAD must be between 61 and 86400, got 60/],
    [{ KPARTY_KEY_ROTATION_LEAD: '10m' }, /KPARTY_KEY_ROTATION_LEAD must be a whole number/],
    [{ KPARTY_KEY_ROTATION_INTERVAL: '600' }, /KPARTY_KEY_ROTATION_INTERVAL \(600\) must exceed KPARTY_KEY_ROTATION_LEAD \(600\)/],
    [{ KPARTY_KEY_ROTATION_INTERVAL: '-1' }, /KPARTY_KEY_ROTATION_INTERVAL must be a whole number/],
  ])('refuses to start with %j', async (env, message) => {
    const { code, output } = await startExpectingFailure(env);
    expect(code).toBe(1);
    expect(output).toMatch(message);
  });

  it('starts with scheduled rotation off (0)', async () => {
    const off = await startKparty({ env: { KPARTY_KEY_ROTATION_INTERVAL: '0' } });
    try {
      expect((await off.request('GET', '/.well-known/jwks.json')).body.keys).toHaveLength(1);
    } finally {
      await off.stop();
    }
  });
});
