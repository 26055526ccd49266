/**
 * The `kparty` command line (dist/cli.js) an operator uses beside the service
 * (issue 16 item 6): it works on the database DATABASE_URL names and never
 * creates one; it registers relying parties, applies policy files and
 * replaces a lost operator key.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startKparty, TEST_ADMIN_KEY, type RunningKparty } from './harness.js';
import { employeePolicy } from './policies.js';

const CLI = resolve(process.cwd(), 'dist', 'cli.js');
const VERSION = (JSON.parse(readFileSync(resolve(process.cwd(), 'package.json'), 'utf8')) as { version: string }).version;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string | undefined>, cwd: string): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: Object.fromEntries(Object.entries({ PATH: process.env.PATH ?? '', ...env }).filter(([, v]) => v !== undefined)) as Record<string, string>,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((ok) => child.once('close', (code) => ok({ code, stdout, stderr })));
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'kparty-cli-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('kparty --version', () => {
  it.each([['--version'], ['version'], ['-v']])('%s prints the package version without touching a database', async (flag) => {
    const result = await cli([flag], {}, scratch);
    expect(result).toEqual({ code: 0, stdout: `kparty ${VERSION}\n`, stderr: '' });
    expect(existsSync(join(scratch, 'data'))).toBe(false);
  });
});

describe('a database that does not exist', () => {
  it.each([['keys list'], ['keys rotate'], ['admin-key reset'], ['relying-parties create --id orders --name Orders --audience https://orders.example.com']])(
    '`kparty %s` without DATABASE_URL refuses in one line naming ./data/kparty.db, and creates nothing',
    async (command) => {
      const result = await cli(command.split(' '), {}, scratch);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`SQLite file ${join(scratch, 'data', 'kparty.db')} does not exist`);
      expect(existsSync(join(scratch, 'data'))).toBe(false);
    },
  );

  it('refuses a DATABASE_URL naming a missing SQLite file', async () => {
    const result = await cli(['keys', 'list'], { DATABASE_URL: 'sqlite:/nonexistent/dir/kparty.db' }, scratch);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'kparty: no kparty database: SQLite file /nonexistent/dir/kparty.db does not exist; set DATABASE_URL to the database the service uses (start the service once to create it)\n',
    );
  });

  it('refuses a PostgreSQL schema without kparty tables, and does not create it', async () => {
    const schema = `i16_cli_missing_${process.pid}`;
    const result = await cli(['keys', 'list'], { DATABASE_URL: `postgres://postgres@127.0.0.1:5432/test?schema=${schema}` }, scratch);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`PostgreSQL postgres://postgres@127.0.0.1:5432/test schema ${schema} has no kparty tables`);
    const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('refuses an unreachable PostgreSQL in one line, password hidden', async () => {
    const result = await cli(['keys', 'list'], { DATABASE_URL: 'postgres://kparty:s3cret@127.0.0.1:1/kparty' }, scratch);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('cannot open PostgreSQL postgres://kparty:***@127.0.0.1:1/kparty');
    expect(result.stderr).not.toContain('s3cret');
  });
});

describe('operator commands on the service database', () => {
  let kparty: RunningKparty;
  let env: Record<string, string>;
  beforeAll(async () => {
    kparty = await startKparty();
    env = { DATABASE_URL: `sqlite:${join(kparty.dataDir, 'kparty.db')}` };
  });
  afterAll(() => kparty?.stop());

  it('relying-parties create registers one whose key works on the running service', async () => {
    const result = await cli(['relying-parties', 'create', '--id', 'shop', '--name', 'The shop', '--audience', 'https://shop.example.com'], env, scratch);
    expect(result.code).toBe(0);
    const created = JSON.parse(result.stdout) as { id: string; name: string; apiKey: string };
    expect(created).toEqual({ id: 'shop', name: 'The shop', apiKey: expect.stringMatching(/^kpk_/) });
    expect((await kparty.request('GET', '/v1/admin/policies', { key: created.apiKey })).status).toBe(200);

    const again = await cli(['relying-parties', 'create', '--id', 'shop', '--name', 'Other', '--audience', 'https://other.example.com'], env, scratch);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('kparty: relying_party.conflict: a relying party with id "shop" already exists\n');
  });

  it.each([
    [['relying-parties', 'create', '--id', 'x'], 2, 'give --name exactly once'],
    [['relying-parties', 'create', '--id', 'x', '--name', 'X', '--extra', 'y'], 2, 'unknown argument "--extra"'],
    [['relying-parties', 'create', '--id', 'bad id!', '--name', 'X', '--audience', 'https://x.example.com'], 1, 'request.invalid'],
    [['relying-parties', 'create', '--id', 'x', '--name', 'X'], 1, 'request.invalid'],
    [['policies', 'apply'], 2, 'name the policies'],
    [['relying-parties', 'delete'], 2, 'unknown command'],
  ])('refuses %j (exit %i)', async (args, code, message) => {
    const result = await cli(args, env, scratch);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('policies apply -f / -d create and replace operator policies the service then serves', async () => {
    const dir = join(scratch, 'policies');
    mkdirSync(dir, { recursive: true });
    const { id: _id, ...withoutId } = employeePolicy('unused') as Record<string, unknown>;
    writeFileSync(join(dir, 'gitops-portal.json'), JSON.stringify(withoutId));
    writeFileSync(join(dir, 'second.json'), JSON.stringify({ ...withoutId, id: 'gitops-second' }));
    const first = await cli(['policies', 'apply', '-d', dir], env, scratch);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      applied: [
        { id: 'gitops-portal', outcome: 'created' },
        { id: 'gitops-second', outcome: 'created' },
      ],
    });
    const again = await cli(['policies', 'apply', '-f', join(dir, 'gitops-portal.json')], env, scratch);
    expect(JSON.parse(again.stdout)).toEqual({ applied: [{ id: 'gitops-portal', outcome: 'replaced' }] });
    const challenge = await kparty.request('POST', '/v1/challenges', { body: { policy: 'gitops-portal' } });
    expect(challenge.status).toBe(201);
    const stored = await kparty.request('GET', '/v1/admin/policies/gitops-second', { key: TEST_ADMIN_KEY });
    expect(stored.body.owner).toBe('@operator');
  });

  it('policies apply applies nothing when one file is invalid, naming the file and the path', async () => {
    const dir = join(scratch, 'half-bad');
    mkdirSync(dir, { recursive: true });
    const { id: _id, ...withoutId } = employeePolicy('unused') as Record<string, unknown>;
    writeFileSync(join(dir, 'a-good.json'), JSON.stringify(withoutId));
    writeFileSync(join(dir, 'b-bad.json'), JSON.stringify({ ...withoutId, audience: 42 }));
    const result = await cli(['policies', 'apply', '-d', dir], env, scratch);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('nothing was applied');
    expect(result.stderr).toContain(`${join(dir, 'b-bad.json')}: /audience:`);
    expect((await kparty.request('GET', '/v1/admin/policies/a-good', { key: TEST_ADMIN_KEY })).status).toBe(404);
    const missing = await cli(['policies', 'apply', '-d', join(scratch, 'nope')], env, scratch);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`-d: the folder ${join(scratch, 'nope')} does not exist`);
  });
});

describe('kparty admin-key reset', () => {
  it('replaces a generated operator key: after a restart the new key works and the old one does not', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kparty-reset-'));
    try {
      const first = await startKparty({ dataDir, env: { KPARTY_ADMIN_KEY: undefined } });
      const oldKey = /"operatorKey":"(kpo_[^"]+)"/.exec(first.output())?.[1] ?? '';
      expect(oldKey).toMatch(/^kpo_/);
      await first.stop();

      const result = await cli(['admin-key', 'reset'], { DATABASE_URL: `sqlite:${join(dataDir, 'kparty.db')}` }, scratch);
      expect(result.code).toBe(0);
      const newKey = (JSON.parse(result.stdout) as { operatorKey: string }).operatorKey;
      expect(newKey).toMatch(/^kpo_[A-Za-z0-9_-]{43}$/);
      expect(result.stderr).toContain('restart running kparty processes');

      const second = await startKparty({ dataDir, env: { KPARTY_ADMIN_KEY: undefined } });
      try {
        expect((await second.request('GET', '/v1/admin/keys', { key: newKey })).status).toBe(200);
        expect((await second.request('GET', '/v1/admin/keys', { key: oldKey })).status).toBe(401);
        expect(second.output()).not.toContain('operatorKey');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
