/** What the benchmark ran on, for the report. */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { ROOT } from './service.mjs';

function gitRevision() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    // The report this run rewrites does not count: a previous run's uncommitted report is not a change to what is measured.
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!docs/benchmarks.md'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return `${commit}${dirty ? ' (with uncommitted changes)' : ''}`;
  } catch {
    return 'unknown';
  }
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(`${ROOT}/node_modules/${name}/package.json`, 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

export function describeMachine() {
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: totalmem() / 1024 ** 3,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg(),
    revision: gitRevision(),
    versions: Object.fromEntries(
      ['did-jwt-vc', 'did-jwt', 'key-did-resolver', 'did-resolver', 'jose', 'autocannon', 'fastify', '@nestjs/core', 'better-sqlite3'].map((name) => [
        name,
        packageVersion(name),
      ]),
    ),
  };
}

/** A busy loop that notes every gap over 0.5 ms between two readings of the clock: time this process did not run. */
const SPIN = `
const gaps = []; let last = performance.now(); const end = last + Number(process.argv[1]);
for (;;) { const now = performance.now(); if (now - last > 0.5) gaps.push(now - last); last = now; if (now > end) break; }
process.stdout.write(JSON.stringify(gaps));
`;

/**
 * Scheduling gaps: one busy loop per core for `ms`, nothing else running.
 * On a virtual machine the host deschedules its virtual CPUs now and then;
 * every gap a loop sees, a request being served at that moment waits too, so
 * these figures are a floor under any latency the benchmark reports.
 */
export async function measureSchedulingGaps(ms = 3000) {
  const one = () =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', SPIN, String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.on('error', reject);
      child.on('exit', () => resolve(JSON.parse(out || '[]')));
    });
  const perCore = await Promise.all(Array.from({ length: availableParallelism() }, one));
  const gaps = perCore.flat().sort((a, b) => b - a);
  const seconds = (ms / 1000) * perCore.length;
  return {
    ms,
    loops: perCore.length,
    gapsOver1msPerSecond: gaps.filter((g) => g > 1).length / seconds,
    lostMsPerSecond: gaps.reduce((sum, g) => sum + g, 0) / seconds,
    largestMs: gaps[0] ?? 0,
    p99GapMs: gaps.length > 0 ? gaps[Math.floor(gaps.length * 0.01)] : 0,
  };
}
