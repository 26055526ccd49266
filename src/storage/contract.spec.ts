import { afterEach } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage } from '../core/ports/storage.js';
import { describeStorageContract } from './contract.js';
import { createMemoryStorage } from './memory/index.js';
import { openSqliteStorage } from './sqlite/index.js';

const tempDirs: string[] = [];

/** A fresh SQLite file per test, under the OS temp folder; removed after the test. */
function openTempSqlite(): Storage {
  const dir = mkdtempSync(join(tmpdir(), 'kparty-contract-'));
  tempDirs.push(dir);
  return openSqliteStorage(join(dir, 'kparty.db'));
}

// Runs after the contract's own afterEach has closed the storage.
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Every adapter the contract runs against; PostgreSQL and Redis join this list. */
const adapters: Array<{ name: string; open: () => Promise<Storage> | Storage }> = [
  { name: 'memory', open: createMemoryStorage },
  { name: 'sqlite', open: openTempSqlite },
];

for (const { name, open } of adapters) describeStorageContract(name, open);
