import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKparty, TEST_ADMIN_KEY, type RunningKparty } from './harness.js';

/**
 * docs/api.md is a walk-through that runs (issue 16 item 1). Its convention,
 * stated at the top of the file: every ```sh block runs, in order, in one
 * bash (`set -euo pipefail`, repository root, KP/ADMIN/KPARTY_WALLET set);
 * every curl is followed by a `# <status>` comment, compared in order with the
 * status the call really got.
 */

const ROOT = process.cwd();
const DOC = join(ROOT, 'docs', 'api.md');

interface DocBlock {
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** The documented statuses, in order. */
  statuses: number[];
  /** How many curl invocations the block has. */
  curls: number;
}

/** The ```sh blocks of a Markdown text with their documented statuses. */
function shellBlocks(markdown: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (!/^```sh\s*$/.test(lines[i] ?? '')) continue;
    const start = i;
    const body: string[] = [];
    for (i += 1; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i += 1) body.push(lines[i] ?? '');
    const code = body.join('\n');
    blocks.push({
      line: start + 1,
      code,
      statuses: body
        .map((l) => /^\s*#\s*(\d{3})\b/.exec(l)?.[1])
        .filter((s): s is string => s !== undefined)
        .map(Number),
      curls: body.map((l) => l.replace(/(?:^|\s)#.*$/, '')).reduce((n, l) => n + (l.match(/(?:^|[\s($|;&])curl\s/g)?.length ?? 0), 0),
    });
  }
  return blocks;
}

const STATUS_MARK = '@@kparty-doc-status';
const BLOCK_MARK = '@@kparty-doc-block';

/** One bash script running every block; curl reports each answer's status on stderr. */
function script(blocks: DocBlock[]): string {
  const parts = [
    'set -euo pipefail',
    `curl() { command curl -w '%{stderr}${STATUS_MARK} %{http_code}\\n' "$@"; }`,
    ...blocks.flatMap((block, index) => [`printf '${BLOCK_MARK} %d\\n' ${index} >&2`, block.code]),
    `printf '${BLOCK_MARK} end\\n' >&2`,
  ];
  return `${parts.join('\n')}\n`;
}

function runBash(source: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    const child = spawn('bash', ['-c', source], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr });
    });
  });
}

describe('the convention parser', () => {
  it('reads statuses and counts curl calls, ignoring json/text blocks and comments', () => {
    const blocks = shellBlocks(
      [
        '```json',
        '{"curl ": 1}',
        '```',
        '```sh',
        'X=$(curl -s a \\',
        '  -d b)',
        '# 201 created',
        'curl -s c | jq .   # a trailing remark with curl inside',
        '# 404 not 200',
        '# not a status: 12345',
        '```',
      ].join('\n'),
    );
    expect(blocks).toEqual([{ line: 4, code: expect.any(String), statuses: [201, 404], curls: 2 }]);
  });
});

describe('docs/api.md', () => {
  let kparty: RunningKparty;
  let walletDir: string;
  const blocks = shellBlocks(readFileSync(DOC, 'utf8'));

  beforeAll(async () => {
    kparty = await startKparty({ env: { KPARTY_ISSUER: undefined } });
    walletDir = mkdtempSync(join(tmpdir(), 'kparty-doc-wallet-'));
  });
  afterAll(async () => {
    await kparty?.stop();
    if (walletDir) rmSync(walletDir, { recursive: true, force: true });
  });

  it('has runnable blocks, each with one documented status per curl call', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(12);
    for (const block of blocks) {
      expect({ line: block.line, statuses: block.statuses.length }).toEqual({ line: block.line, statuses: block.curls });
    }
  });

  it('runs every sh block against a started kparty and gets the documented statuses', async () => {
    const result = await runBash(script(blocks), {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? walletDir,
      KP: kparty.baseUrl,
      ADMIN: TEST_ADMIN_KEY,
      KPARTY_WALLET: join(walletDir, 'wallet.json'),
    });
    const seen: number[][] = blocks.map(() => []);
    let current = -1;
    for (const line of result.stderr.split('\n')) {
      if (line.startsWith(BLOCK_MARK)) current = line.endsWith('end') ? blocks.length : Number(line.slice(BLOCK_MARK.length + 1));
      else if (line.startsWith(STATUS_MARK) && current >= 0 && current < blocks.length) seen[current]?.push(Number(line.slice(STATUS_MARK.length + 1)));
    }
    const context = `exit ${result.code}\n--- stderr ---\n${result.stderr.slice(-3000)}\n--- stdout ---\n${result.stdout.slice(-3000)}`;
    for (const [index, block] of blocks.entries()) {
      expect({ line: block.line, statuses: seen[index], context: seen[index]?.join() === block.statuses.join() ? '' : context }).toEqual({
        line: block.line,
        statuses: block.statuses,
        context: '',
      });
    }
    expect({ code: result.code, context: result.code === 0 ? '' : context }).toEqual({ code: 0, context: '' });
    expect(result.stdout).toContain('"verified": true');
    expect(result.stdout).toContain('credential.expired');
  }, 120_000);
});
