/**
 * A real nginx for forward-auth tests, run as a child process on a loopback
 * port with every path (config, pid, logs, temp files) in its own temporary
 * folder, and stopped by its process id.
 *
 * nginx is a Debian package, not an npm one: `.ci/run` installs it before the
 * tests, and {@link ensureNginx} installs it when missing and the tests run as
 * root (as on CI and these developer machines); otherwise it fails with the
 * command to run. It never skips.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'];

function findNginx(): string | undefined {
  const onPath = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  const found = onPath.status === 0 ? onPath.stdout.trim() : '';
  return found || CANDIDATES.find((path) => existsSync(path));
}

/** The nginx binary; installs the Debian package first when it is missing and we are root. Takes up to a few minutes then. */
export function ensureNginx(): string {
  const present = findNginx();
  if (present) return present;
  if (process.getuid?.() !== 0) {
    throw new Error('nginx is not installed and the tests are not running as root: run `apt-get update && apt-get install -y nginx`');
  }
  const install = spawnSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq nginx'], {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 10 * 60_000,
  });
  const installed = findNginx();
  if (!installed) throw new Error(`installing nginx failed (exit ${install.status}):\n${install.stdout}\n${install.stderr}`);
  return installed;
}

export interface RunningNginx {
  url: string;
  /** nginx's error log so far (configuration problems, upstream errors). */
  errorLog(): string;
  stop(): Promise<void>;
}

/** Paths inside the temporary folder, for the configuration. */
export interface NginxPaths {
  dir: string;
  port: number;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${log()}`);
    const open = await new Promise<boolean>((ok) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        ok(true);
      });
      socket.once('error', () => ok(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port} within 10 s:\n${log()}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

/**
 * Starts nginx in the foreground (`daemon off`, one process) with the `http`
 * block `httpBlock(paths)` returns; the main context (pid, error log, events)
 * and the temp paths are set here.
 */
export async function startNginx(port: number, httpBlock: (paths: NginxPaths) => string): Promise<RunningNginx> {
  const binary = ensureNginx();
  const dir = mkdtempSync(join(tmpdir(), 'kparty-nginx-'));
  for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
  const errorLogPath = join(dir, 'error.log');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;
master_process off;
pid ${join(dir, 'nginx.pid')};
error_log ${errorLogPath} info;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
${httpBlock({ dir, port })}
}
`,
  );
  // -e: the error log before the configuration is read (the default path may not be writable).
  const child = spawn(binary, ['-p', dir, '-e', errorLogPath, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const errorLog = (): string => `${output}${existsSync(errorLogPath) ? readFileSync(errorLogPath, 'utf8') : ''}`;
  try {
    await waitForPort(port, child, errorLog);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    errorLog,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGQUIT'); // graceful shutdown
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
