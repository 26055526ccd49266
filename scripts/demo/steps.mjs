/**
 * What both demos (`npm run demo`, `npm run demo -- oid4vp`) share: numbered
 * steps, calls that must answer a given status, and a runner that gives the
 * whole demo a deadline, reports the failing step with the services' output,
 * and always stops what it started.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class UnexpectedResult extends Error {}

let stepNumber = 0;
/** Prints the next numbered step. */
export const step = (text) => console.log(`${String(++stepNumber).padStart(2)}. ${text}`);
/** Prints a detail line under the current step. */
export const detail = (text) => console.log(`      ${text}`);

/** Calls kparty or the API; `expect` is the status the step requires (JSON or form body). */
export async function call(base, method, path, { expect, key, json, form } = {}) {
  const headers = {};
  let body;
  if (key) headers.authorization = `Bearer ${key}`;
  if (json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(json);
  }
  if (form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const response = await fetch(`${base}${path}`, { method, headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (expect !== undefined && response.status !== expect) {
    throw new UnexpectedResult(`${method} ${path} answered ${response.status}, expected ${expect}: ${text.slice(0, 500)}`);
  }
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/**
 * Runs `demo(workDir, children)` in a fresh temporary folder within `deadlineMs`; `children` collects the
 * processes it starts ({ name, output(), stop() }), stopped in reverse order whatever happens. Exit code 1 on failure.
 */
export async function runDemo(demo, deadlineMs) {
  const workDir = mkdtempSync(join(tmpdir(), 'kparty-demo-'));
  const children = [];
  const watchdog = setTimeout(() => {
    console.error(`\ndemo FAILED: not finished within ${deadlineMs / 1000} s`);
    process.exit(1);
  }, deadlineMs);
  let failed = false;
  try {
    await demo(workDir, children);
  } catch (error) {
    failed = true;
    console.error(`\ndemo FAILED at step ${stepNumber + 1}: ${error instanceof Error ? error.message : String(error)}`);
    for (const child of children) console.error(`--- ${child.name} output ---\n${child.output().slice(-4000)}`);
  } finally {
    for (const child of children.reverse()) await child.stop();
    rmSync(workDir, { recursive: true, force: true });
    clearTimeout(watchdog);
  }
  process.exitCode = failed ? 1 : 0;
}
