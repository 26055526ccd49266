/**
 * A private redis-server for fault tests: started on a free loopback port as a
 * child process (no persistence), stopped and started again on the same port
 * to simulate an outage — the machine's shared Redis is never touched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connectTestRedis, freeLoopbackPort } from './servers.js';

export interface PrivateRedis {
  port: number;
  url: string;
  /** Whether the server process is running. */
  running(): boolean;
  /** Kills the server (SIGKILL: an outage, not a clean shutdown); resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts the server again on the same port; resolves when it answers PING. */
  start(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freeLoopbackPort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';

  const start = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    output = '';
    const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child = started;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (started.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${started.exitCode}: ${output}`);
      try {
        (await connectTestRedis(url)).disconnect();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within 10 s: ${output}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const stop = async (): Promise<void> => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    port,
    url,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    stop,
    start,
  };
}
