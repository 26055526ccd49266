import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExpectingFailure, startKparty, TEST_ADMIN_KEY } from './harness.js';
import { employeePolicy } from './policies.js';
import { expectProblem } from './problem.js';

describe('start-up', () => {
  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['KPARTY_ISSUER', 'not a url'],
    ['DATABASE_URL', 'mysql://x'],
    ['KPARTY_SESSION_TTL', '-1'],
    ['KPARTY_CHALLENGE_TTL', '0'],
    ['KPARTY_CLOCK_SKEW', '1.5'],
    ['KPARTY_OUTBOUND_ALLOW', 'localhost'],
    ['KPARTY_FETCH_TIMEOUT_MS', 'soon'],
    ['KPARTY_RATE_LIMIT', 'lots'],
    ['LOG_LEVEL', 'loud'],
    ['KPARTY_ADMIN_KEY', 'short'],
  ])('stops with one message naming %s when it is %j', async (name, value) => {
    const { code, output } = await startExpectingFailure({ [name]: value });
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toContain(`invalid configuration: ${name}`);
  });

  it('refuses KPARTY_SESSION_TTL above KPARTY_SESSION_MAX_TTL', async () => {
    const { code, output } = await startExpectingFailure({ KPARTY_SESSION_TTL: '600', KPARTY_SESSION_MAX_TTL: '300' });
    expect(code).toBe(1);
    expect(output).toContain('KPARTY_SESSION_TTL');
  });

  it('refuses a plain-http issuer in production', async () => {
    const { code, output } = await startExpectingFailure({ NODE_ENV: 'production', KPARTY_ISSUER: 'http://kparty.example' });
    expect(code).toBe(1);
    expect(output).toContain('KPARTY_ISSUER');
  });

  it('generates an operator key on first start, prints it once, and keeps only its hash', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kparty-e2e-'));
    try {
      const first = await startKparty({ dataDir, env: { KPARTY_ADMIN_KEY: undefined } });
      const line = first
        .output()
        .split('\n')
        .find((l) => l.includes('operatorKey'));
      const operatorKey = JSON.parse(line ?? '{}').operatorKey as string;
      expect(operatorKey).toMatch(/^kpo_[A-Za-z0-9_-]{43}$/);
      expect((await first.request('GET', '/v1/admin/policies', { key: operatorKey })).status).toBe(200);
      const firstJwks = (await first.request('GET', '/.well-known/jwks.json')).body;
      await first.stop();

      const second = await startKparty({ dataDir, env: { KPARTY_ADMIN_KEY: undefined } });
      expect(second.output()).not.toContain('operatorKey');
      expect((await second.request('GET', '/v1/admin/policies', { key: operatorKey })).status).toBe(200);
      // The session-signing key persisted too: the same kid is published after the restart.
      expect((await second.request('GET', '/.well-known/jwks.json')).body).toEqual(firstJwks);
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe('policy files (KPARTY_POLICIES_DIR)', () => {
    it('loads them at start: wallets can use them, relying parties cannot see or change them', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kparty-policies-'));
      writeFileSync(join(dir, 'staff.json'), JSON.stringify(employeePolicy('staff-login')));
      const kparty = await startKparty({ env: { KPARTY_POLICIES_DIR: dir } });
      try {
        expect((await kparty.request('POST', '/v1/challenges', { body: { policy: 'staff-login' } })).status).toBe(201);
        const rp = await kparty.request('POST', '/v1/admin/relying-parties', {
          key: TEST_ADMIN_KEY,
          body: { id: 'rp', name: 'RP', audiences: ['https://rp.example.com'] },
        });
        expectProblem(await kparty.request('GET', '/v1/admin/policies/staff-login', { key: rp.body.apiKey }), 404, 'policy.not_found');
        expectProblem(
          await kparty.request('PUT', '/v1/admin/policies/staff-login', { key: rp.body.apiKey, body: employeePolicy('staff-login') }),
          409,
          'policy.conflict',
        );
        const operatorView = await kparty.request('GET', '/v1/admin/policies/staff-login', { key: TEST_ADMIN_KEY });
        expect(operatorView.body.owner).toBe('@operator');
      } finally {
        await kparty.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('stops start-up naming the bad file and the path of the violation', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kparty-policies-'));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'good.json'), JSON.stringify(employeePolicy('good')));
      writeFileSync(join(dir, 'broken.json'), JSON.stringify(employeePolicy('broken', { holderBinding: 'sometimes' })));
      try {
        const { code, output } = await startExpectingFailure({ KPARTY_POLICIES_DIR: dir });
        expect(code).toBe(1);
        expect(output).toContain('broken.json');
        expect(output).toContain('/holderBinding');
        expect(output).not.toContain('good.json');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
