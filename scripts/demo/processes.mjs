// Child processes of the demo: kparty (node dist/main.js) and the example
// orders API, each on a loopback port, their output kept for a failure report.
import { spawn } from 'node:child_process';
import { freePort } from '../lib/free-port.mjs';
export { freePort };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `node <script>` and polls `isReady(output)` until it returns a value
 * (resolved as `value`); fails if the process exits first or `timeoutMs` passes.
 */
export async function startProcess(name, script, { env, cwd, isReady, timeoutMs = 20_000 }) {
  const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk.toString()));
  child.stderr.on('data', (chunk) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} during start:\n${output}`);
    const value = await Promise.resolve(isReady(output)).catch(() => undefined);
    if (value !== undefined) return { name, value, stop, output: () => output };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} was not ready within ${timeoutMs / 1000} s:\n${output}`);
    }
    await sleep(100);
  }
}
