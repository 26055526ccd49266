/**
 * Each benchmark section runs in its own Node process (a clean heap and JIT
 * state, and RSS that is the section's own). A section module exports
 * `run(options)`; run as a script it reads the options as JSON from argv[2]
 * and writes its result as JSON to the file named by argv[3].
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Call at the bottom of a section module: runs `run` when the module is the process's main script. */
export async function runIfMain(moduleUrl, run) {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  const options = JSON.parse(process.argv[2] ?? '{}');
  const result = await run(options);
  writeFileSync(process.argv[3], JSON.stringify(result));
  // Sections may leave servers' sockets or timers behind on purpose-free errors; never hang.
  process.exit(0);
}

/**
 * Runs a section file in a child Node process and returns its result.
 * @param {string} file - path of the section module
 * @param {object} options - passed as JSON
 * @param {{ nodeArgs?: string[], timeoutMs: number, log: (line: string) => void }} how
 */
export function runSection(file, options, { nodeArgs = [], timeoutMs, log }) {
  const out = join(tmpdir(), `kparty-bench-${process.pid}-${Date.now()}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, file, JSON.stringify(options), out], { stdio: ['ignore', 'pipe', 'pipe'] });
    const forward = (chunk) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) log(line);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    const timer = setTimeout(() => {
      log(`section ${file} ran over ${Math.round(timeoutMs / 1000)} s; stopping it`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      try {
        if (code !== 0) throw new Error(`section ${file} exited with ${code ?? signal}`);
        resolve(JSON.parse(readFileSync(out, 'utf8')));
      } catch (error) {
        reject(error);
      } finally {
        rmSync(out, { force: true });
      }
    });
  });
}
