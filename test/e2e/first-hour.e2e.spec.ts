/**
 * Issue 16: what a newcomer meets in the first hour of running the built
 * service — the start-up output, the operator key, the info log lines, and
 * the answers to common mistakes (wrong method, bad query string).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startExpectingFailure, startKparty, TEST_ADMIN_KEY, type RunningKparty } from './harness.js';
import { expectProblem } from './problem.js';
import { employeePolicy } from './policies.js';
import { setUpSessions, type SessionSetup } from './session-tokens.js';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';

type LogLine = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const jsonLines = (output: string): LogLine[] =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

/** The process's log lines matching `where`, once there are at least `count` (they reach the pipe a little after the answer). */
async function linesWhere(kparty: RunningKparty, where: (line: LogLine) => boolean, count: number): Promise<LogLine[]> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const lines = jsonLines(kparty.output()).filter(where);
    if (lines.length >= count || Date.now() > deadline) return lines;
    await new Promise((ok) => setTimeout(ok, 20));
  }
}

describe('start-up output at LOG_LEVEL=info', () => {
  let kparty: RunningKparty;
  beforeAll(async () => {
    kparty = await startKparty({ env: { LOG_LEVEL: 'info', KPARTY_ADMIN_KEY: undefined, HOST: '127.0.0.1' } });
  });
  afterAll(() => kparty?.stop());

  it('is a handful of lines: no route map, the SQLite path, where it listens, and the generated key once as JSON', () => {
    const lines = jsonLines(kparty.output());
    expect(lines.filter((l) => /Mapped|RoutesResolver|RouterExplorer|InstanceLoader/.test(`${l.msg} ${l.context}`))).toEqual([]);
    expect(lines.length).toBeLessThanOrEqual(6);
    const ready = lines.find((l) => l.msg === 'kparty core ready');
    expect(ready?.sqlitePath).toBe(resolve(kparty.dataDir, 'kparty.db'));
    expect(lines.find((l) => l.msg === 'kparty listening')).toMatchObject({ host: '127.0.0.1', docs: expect.stringMatching(/\/docs$/) });
    expect(lines.filter((l) => typeof l.operatorKey === 'string')).toHaveLength(1);
    // stdout is not a terminal here: no human block.
    expect(kparty.output()).not.toContain('Store it now (a password manager');
  });
});

describe('the generated operator key at a terminal', () => {
  it('is printed as a block on stderr besides the JSON line', async () => {
    if (!existsSync('/usr/bin/script')) throw new Error('this test needs util-linux `script` to give kparty a terminal');
    const dataDir = mkdtempSync(join(tmpdir(), 'kparty-tty-'));
    const port = await freePort();
    const child = spawn('/usr/bin/script', ['-qfec', `${process.execPath} ${resolve('dist', 'main.js')}`, '/dev/null'], {
      cwd: dataDir,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), DATABASE_URL: `sqlite:${join(dataDir, 'kparty.db')}`, LOG_LEVEL: 'info', HOST: '127.0.0.1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const deadline = Date.now() + 20_000;
      while (!output.includes('kparty listening') && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 50));
      const key = /"operatorKey":"(kpo_[A-Za-z0-9_-]{43})"/.exec(output)?.[1];
      expect(key).toBeDefined();
      expect(output).toContain(`      ${key}\r\n`);
      expect(output).toContain('KPARTY_ADMIN_KEY is not set, so an operator key was generated');
      expect(output).toContain('kparty admin-key reset');
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      await new Promise((ok) => child.once('close', ok));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('policy files that can never be satisfied', () => {
  it('stop start-up naming the policy and the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kparty-never-'));
    try {
      writeFileSync(
        join(dir, 'never.json'),
        JSON.stringify(employeePolicy('never', { credentials: [{ ...(employeePolicy('x').credentials as object[])[0], trustedIssuers: ['did:key:z0OIl'] }] })),
      );
      const { code, output } = await startExpectingFailure({ KPARTY_POLICIES_DIR: dir });
      expect(code).toBe(1);
      expect(output).toContain('policy "never" /credentials/0/trustedIssuers/0: "did:key:z0OIl" cannot be resolved');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('HOST', () => {
  it('refuses a value that is not an address or host name', async () => {
    const { code, output } = await startExpectingFailure({ HOST: 'not a host!' });
    expect(code).toBe(1);
    expect(output).toContain('invalid configuration: HOST');
  });
});

describe('info log lines and answers to mistakes', () => {
  let kparty: RunningKparty;
  let setup: SessionSetup;
  beforeAll(async () => {
    kparty = await startKparty({ env: { LOG_LEVEL: 'info' } });
    setup = await setUpSessions(kparty, [{ id: 'employee-portal', ttlSeconds: 300, scope: 'orders:read' }]);
  });
  afterAll(() => kparty?.stop());

  it('logs one line per decision with the holder hashed, the request id and the duration', async () => {
    const challenge = await kparty.request('POST', '/v1/challenges', { body: { policy: 'employee-portal' } });
    const credential = await issueJwtVc(setup.issuer, setup.holder.did, { claims: { role: 'staff', email: 'alice@example.com' } });
    const presentation = await presentJwtVp(setup.holder, [credential], { nonce: challenge.body.challenge, aud: challenge.body.domain });
    const accepted = await kparty.request('POST', '/v1/presentations/verify', { body: { policy: 'employee-portal', presentation } });
    expect(accepted.status).toBe(200);
    const rejected = await kparty.request('POST', '/v1/presentations/verify', { body: { policy: 'employee-portal', presentation } });
    expect(rejected.status).toBe(422);
    const decisions = await linesWhere(kparty, (l) => l.decision !== undefined, 2);
    expect(decisions).toEqual([
      expect.objectContaining({
        level: 30,
        decision: 'accepted',
        policy: 'employee-portal',
        codes: [],
        holder: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
        requestId: accepted.headers.get('x-request-id'),
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({ decision: 'rejected', codes: ['challenge.unknown'], requestId: rejected.headers.get('x-request-id') }),
    ]);
    expect(kparty.output()).not.toContain(accepted.body.holder);
  });

  it('logs every admin change and every refused key, never the key', async () => {
    const created = await kparty.request('POST', '/v1/admin/relying-parties', {
      key: TEST_ADMIN_KEY,
      body: { id: 'logged', name: 'Logged', audiences: ['https://logged.example.com'] },
    });
    expect(created.status).toBe(201);
    expectProblem(await kparty.request('GET', '/v1/admin/policies', { key: 'kpk_wrong-key-0123456789' }), 401, 'auth.unauthorized');
    expectProblem(await kparty.request('GET', '/v1/admin/keys', { key: setup.rpKey }), 403, 'auth.forbidden');
    await linesWhere(kparty, (l) => l.msg === 'authentication failed', 2);
    const lines = jsonLines(kparty.output());
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 30,
        msg: 'admin change',
        adminChange: 'POST /v1/admin/relying-parties',
        status: 201,
        by: '@operator',
        requestId: created.headers.get('x-request-id'),
      }),
    );
    const failures = lines.filter((l) => l.msg === 'authentication failed');
    expect(failures).toEqual([
      expect.objectContaining({ level: 40, code: 'auth.unauthorized', route: '/v1/admin/policies', method: 'GET' }),
      expect.objectContaining({ level: 40, code: 'auth.forbidden', route: '/v1/admin/keys' }),
    ]);
    expect(kparty.output()).not.toContain('kpk_wrong-key-0123456789');
    expect(kparty.output()).not.toContain(created.body.apiKey);
    expect(kparty.output()).not.toContain(TEST_ADMIN_KEY);
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const reply = await kparty.request('GET', '/v1/presentations/verify');
    expectProblem(reply, 405, 'route.method_not_allowed');
    expect(reply.headers.get('allow')).toBe('POST');
    const policy = await kparty.request('POST', '/v1/admin/policies/employee-portal', { key: TEST_ADMIN_KEY, body: {} });
    expectProblem(policy, 405, 'route.method_not_allowed');
    expect(policy.headers.get('allow')).toBe('DELETE, GET, HEAD, PUT');
    expectProblem(await kparty.request('GET', '/v1/no-such-thing'), 404, 'route.not_found');
  });

  it('refuses a policy that can never be satisfied, and warns about a suspicious one', async () => {
    const base = employeePolicy('never', {
      credentials: [{ ...(employeePolicy('x').credentials as object[])[0], trustedIssuers: ['did:kye:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'] }],
    });
    const refused = await kparty.request('PUT', '/v1/admin/policies/never', { key: setup.rpKey, body: base });
    expectProblem(refused, 400, 'policy.invalid');
    expect(refused.body.errors).toEqual([
      { code: 'policy.invalid', path: '/credentials/0/trustedIssuers/0', detail: expect.stringContaining('DID method "kye" is not supported') },
    ]);
    expect((await kparty.request('GET', '/v1/admin/policies/never', { key: setup.rpKey })).status).toBe(404);

    const suspicious = employeePolicy('suspicious', {
      credentials: [{ ...(employeePolicy('x').credentials as object[])[0], trustedIssuers: ['*'], status: 'ignore' }],
    });
    const accepted = await kparty.request('PUT', '/v1/admin/policies/suspicious', { key: setup.rpKey, body: suspicious });
    expect(accepted.status).toBe(201);
    expect(accepted.body.warnings).toEqual([
      { path: '/credentials/0/status', detail: expect.stringContaining('revoked') },
      { path: '/credentials/0/trustedIssuers/0', detail: expect.stringContaining('any issuer') },
    ]);
  });

  it('says "query string" for a bad query string, not "request body"', async () => {
    const reply = await kparty.request('GET', '/v1/admin/audit?limit=abc', { key: TEST_ADMIN_KEY });
    expectProblem(reply, 400, 'request.invalid');
    expect(reply.body.detail).toBe('the query string has 1 violation(s)');
  });
});
