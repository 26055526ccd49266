/**
 * Loads the operator's policy files (KPARTY_POLICIES_DIR, docs/operations.md) at start-up,
 * so a deployment can keep its presentation policies in git.
 *
 * Start-up is all or nothing: one bad file stops the service with a
 * ConfigError listing every problem of every file (file name, JSON pointer and
 * detail), rather than a service that silently runs without some policy.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { PresentationPolicy } from '../core/model/policy.js';
import { validatePolicy, type PolicyLimits } from './validate-policy.js';

/** Larger files are refused: a policy is a few kilobytes; anything near this is a mistake. */
export const MAX_POLICY_FILE_BYTES = 1_048_576;

const VARIABLE = 'KPARTY_POLICIES_DIR';

/**
 * Reads every `*.json` file directly in `dir` (sorted by name; not recursive;
 * dotfiles skipped; symlinks followed, as in Kubernetes ConfigMap volumes),
 * and returns their policies in that order.
 *
 * @throws ConfigError when the folder is missing or unreadable, or when any
 * file is unreadable, too large, not JSON, or not a valid policy, or when two
 * files define the same policy id.
 */
export async function loadPolicyFiles(dir: string, limits: PolicyLimits): Promise<PresentationPolicy[]> {
  return loadPolicyFileList(await policyFilePaths(dir), limits, `${VARIABLE}: invalid policy files in ${dir}`);
}

/**
 * Reads the given policy files, all or nothing, like {@link loadPolicyFiles}
 * (`kparty policies apply -f … -d …` too); `heading` starts the error message.
 */
export async function loadPolicyFileList(files: readonly string[], limits: PolicyLimits, heading: string): Promise<PresentationPolicy[]> {
  const problems: string[] = [];
  const loaded: Array<{ file: string; policy: PresentationPolicy }> = [];
  for (const file of files) {
    const result = await loadPolicyFile(file, limits);
    if ('problems' in result) problems.push(...result.problems.map((problem) => `${file}: ${problem}`));
    else loaded.push({ file, policy: result.policy });
  }

  const fileOfId = new Map<string, string>();
  for (const { file, policy } of loaded) {
    const other = fileOfId.get(policy.id);
    if (other === undefined) fileOfId.set(policy.id, file);
    else problems.push(`${file}: policy id ${JSON.stringify(policy.id)} is already defined in ${other}`);
  }

  if (problems.length > 0) {
    throw new ConfigError(`${heading}:\n  ${problems.join('\n  ')}`);
  }
  return loaded.map(({ policy }) => policy);
}

/** The `*.json` files directly in `dir`, sorted by name; `variable` names the setting or option in errors. */
export async function policyFilePaths(dir: string, variable: string = VARIABLE): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new ConfigError(`${variable}: ${folderProblem(dir, error)}`, { cause: error });
  }
  const paths: string[] = [];
  for (const entry of entries) {
    if (!entry.name.endsWith('.json') || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isFile() || (entry.isSymbolicLink() && (await isFile(path)))) paths.push(path);
  }
  // Code-unit order, not locale order: the same on every machine.
  return paths.sort();
}

function folderProblem(dir: string, error: unknown): string {
  switch (errorCode(error)) {
    case 'ENOENT':
      return `the folder ${dir} does not exist`;
    case 'ENOTDIR':
      return `${dir} is not a folder`;
    default:
      return `the folder ${dir} cannot be read (${errorCode(error) ?? 'unknown error'})`;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return true; // a dangling link: reading it reports the problem with its name
  }
}

type FileResult = { policy: PresentationPolicy } | { problems: string[] };

async function loadPolicyFile(file: string, limits: PolicyLimits): Promise<FileResult> {
  let bytes: Buffer;
  try {
    const { size } = await stat(file);
    if (size > MAX_POLICY_FILE_BYTES) return { problems: [tooLarge(size)] };
    bytes = await readFile(file);
  } catch (error) {
    return { problems: [`cannot be read (${errorCode(error) ?? 'unknown error'})`] };
  }
  // Checked again: the file may have grown between stat and read.
  if (bytes.length > MAX_POLICY_FILE_BYTES) return { problems: [tooLarge(bytes.length)] };

  let text: string;
  try {
    // `fatal` rejects bytes that are not UTF-8; a leading BOM (some editors write one) is dropped.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { problems: ['is not UTF-8 text'] };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { problems: [`is not valid JSON: ${messageOf(error)}`] };
  }

  // A file without an `id` takes its name: employee-portal.json defines "employee-portal".
  const named = data !== null && typeof data === 'object' && !Array.isArray(data) && !('id' in data) ? { id: basename(file, '.json'), ...data } : data;
  const result = validatePolicy(named, limits);
  if (result.ok) return { policy: result.policy };
  return { problems: result.violations.map((v) => `${v.path || '(top level)'}: ${v.detail ?? 'invalid'}`) };
}

function tooLarge(size: number): string {
  return `is ${size} bytes; policy files may be at most ${MAX_POLICY_FILE_BYTES} bytes (1 MiB)`;
}

/** Read without `instanceof`: errors from Node's core may come from another realm (e.g. under jest). */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
