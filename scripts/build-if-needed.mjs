// Builds dist/ when it is missing or older than any file under src/ or schemas/.
// Used by `npm start` and by the test suite's global setup.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

export function buildIfNeeded() {
  const marker = join(root, 'dist', '.build-stamp');
  const sources = Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'tsconfig.build.json')).mtimeMs, newestMtime(join(root, 'schemas')));
  if (existsSync(marker) && statSync(marker).mtimeMs >= sources) return false;
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  writeFileSync(marker, String(Date.now()));
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildIfNeeded();
