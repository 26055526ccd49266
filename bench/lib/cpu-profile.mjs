/**
 * Reads a V8 CPU profile (`node --cpu-prof`, or the inspector's profiler) and
 * summarises where the time went, for docs/benchmarks.md:
 *
 * - `areas`: time by the code that asked for it — kparty's own folders and
 *   the npm packages. Time in node internals and native code (a signature
 *   check inside OpenSSL, a SQLite statement, a socket write) is charged to
 *   the nearest kparty or package frame that called it; what no such frame
 *   called (the HTTP parser, timers) stays "node (HTTP, streams, event loop)".
 * - `functions`: self time per function; native and node-internal functions
 *   are named with the kparty or package function that called them.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const NODE_AREA = 'node (HTTP, streams, event loop)';
const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/** Where a frame's code lives: a kparty folder, a package, or null for node internals and native code. */
function ownerOf(url, root) {
  if (!url || url.startsWith('node:')) return null;
  const path = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (packageMatch) return packageMatch[1];
  if (path.startsWith(root)) {
    const local = relative(root, path);
    if (local.startsWith('dist/')) {
      const parts = local.split('/');
      return parts.length > 2 ? `kparty ${parts[1]}/` : `kparty ${parts[1]}`;
    }
    return local;
  }
  return null;
}

/** `name (file.js:line)` of a JavaScript frame. */
function frameLabel({ functionName, url, lineNumber }) {
  const file = url.slice(url.lastIndexOf('/') + 1);
  return `${functionName || '(anonymous)'} (${file}:${lineNumber + 1})`;
}

/**
 * @param {string} file - a .cpuprofile
 * @param {string} root - the repository root, to name kparty's own files
 * @param {{ top?: number, from?: string }} options - `from`: ignore samples before the first one whose stack holds a function of this name (start-up)
 */
export function summariseCpuProfile(file, root, { top = 15, from } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const ancestry = (id) => {
    const frames = [];
    for (let current = id; current !== undefined; current = parentOf.get(current)) frames.push(byId.get(current));
    return frames;
  };
  let first = 0;
  if (from) {
    const found = profile.samples.findIndex((id) => ancestry(id).some((node) => node.callFrame.functionName === from));
    if (found > 0) first = found;
  }

  const selfMs = new Map();
  for (let i = first; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }

  let totalMs = 0;
  const functions = new Map();
  const areas = new Map();
  for (const [id, ms] of selfMs) {
    const frames = ancestry(id);
    const { functionName, url } = frames[0].callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    totalMs += ms;
    let area;
    let name = functionName || '(anonymous)';
    if (functionName === '(garbage collector)') {
      area = '(garbage collector)';
    } else {
      const ownerFrame = frames.find((node) => !SPECIAL.has(node.callFrame.functionName) && ownerOf(node.callFrame.url, root) !== null);
      area = ownerFrame ? ownerOf(ownerFrame.callFrame.url, root) : NODE_AREA;
      const own = ownerOf(url, root);
      if (own === null && ownerFrame) name = `${name} ← ${frameLabel(ownerFrame.callFrame)}`;
      else if (own !== null) name = frameLabel(frames[0].callFrame);
    }
    const key = `${name}\u0000${area}`;
    functions.set(key, { name, area, ms: (functions.get(key)?.ms ?? 0) + ms });
    areas.set(area, (areas.get(area) ?? 0) + ms);
  }
  const share = (ms) => (totalMs > 0 ? ms / totalMs : 0);
  const allAreas = [...areas].map(([area, ms]) => ({ area, ms, share: share(ms) })).sort((a, b) => b.ms - a.ms);
  return {
    totalMs,
    allAreas,
    functions: [...functions.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((f) => ({ ...f, share: share(f.ms) })),
    areas: allAreas.slice(0, top),
  };
}
