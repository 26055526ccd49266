import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The operator key every e2e kparty starts with unless a test says otherwise. */
export const TEST_ADMIN_KEY = 'test-operator-key-0123456789abcdef0123456789';

const MAIN = resolve(process.cwd(), 'dist', 'main.js');

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  raw?: string | Buffer;
  key?: string;
  headers?: Record<string, string>;
}

export interface RunningKparty {
  baseUrl: string;
  dataDir: string;
  process: ChildProcess;
  /** Everything the process printed so far (JSON log lines on stdout, start-up errors on stderr). */
  output(): string;
  request(method: string, path: string, options?: RequestOptions): Promise<Reply>;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string | undefined>;
  /** Reuse a data folder (to test restarts); a fresh temporary one by default. */
  dataDir?: string;
  /** Keep the data folder on stop. */
  keepData?: boolean;
}

/** The environment of a test kparty: a private SQLite file and port, then the test's overrides (undefined removes). */
function processEnv(dataDir: string, port: number, overrides: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    DATABASE_URL: `sqlite:${join(dataDir, 'kparty.db')}`,
    KPARTY_ADMIN_KEY: TEST_ADMIN_KEY,
    LOG_LEVEL: 'warn',
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export async function request(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  let payload: string | Buffer | undefined = options.raw;
  if (payload === undefined && options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** Runs `node dist/main.js` (the built service) with the given environment and waits until /healthz answers. */
export async function startKparty(options: StartOptions = {}): Promise<RunningKparty> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kparty-e2e-'));
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: processEnv(dataDir, port, options.env ?? {}),
    cwd: dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  const baseUrl = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`kparty exited with ${child.exitCode} during start:\n${output}`);
    try {
      const reply = await fetch(`${baseUrl}/healthz`);
      if (reply.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`kparty did not become healthy within 20 s:\n${output}`);
    }
    await new Promise((ok) => setTimeout(ok, 50));
  }

  return {
    baseUrl,
    dataDir,
    process: child,
    output: () => output,
    request: (method, path, requestOptions) => request(baseUrl, method, path, requestOptions),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      if (!options.keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs kparty expecting it to refuse to start; resolves with its exit code and output. */
export async function startExpectingFailure(env: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kparty-e2e-'));
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: processEnv(dataDir, port, env),
    cwd: dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((ok) => child.once('exit', (c) => ok(c)));
  clearTimeout(timer);
  rmSync(dataDir, { recursive: true, force: true });
  return { code, output };
}
