import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.js';
import { loadPolicyFiles, MAX_POLICY_FILE_BYTES } from './policy-files.js';

const LIMITS = { sessionMaxTtl: 3600 };
const fixture = (name: string): string => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));

/** The ConfigError `loadPolicyFiles` throws for `dir`; fails the test if it does not throw one. */
async function configError(dir: string, limits = LIMITS): Promise<ConfigError> {
  const error: unknown = await loadPolicyFiles(dir, limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadPolicyFiles', () => {
  let scratch: string;
  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'kparty-policies-'));
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('loads every *.json file of a folder, sorted by file name, ignoring other files and subfolders', async () => {
    const policies = await loadPolicyFiles(fixture('valid'), LIMITS);
    // age-over-18-sd-jwt-with-bom.json, employee-portal.json, newsletter-any-issuer-credential-sets.json
    expect(policies.map((p) => p.id)).toEqual(['age-over-18', 'employee-portal', 'newsletter']);
    expect(policies[1]?.session?.claims).toEqual({ email: ['employee', 'credentialSubject', 'email'] });
  });

  it('loads nothing from an empty folder', async () => {
    await expect(loadPolicyFiles(fixture('empty'), LIMITS)).resolves.toEqual([]);
  });

  it('refuses a file that is not JSON, naming the file', async () => {
    const error = await configError(fixture('invalid-json'));
    expect(error.message).toContain('KPARTY_POLICIES_DIR');
    expect(error.message).toContain(`${fixture('invalid-json/truncated-employee-portal.json')}: is not valid JSON`);
  });

  it('refuses a schema violation, naming the file, the JSON pointer and the detail of each violation', async () => {
    const error = await configError(fixture('schema-violation'));
    const file = fixture('schema-violation/misspelled-trusted-issuers-and-bad-status.json');
    expect(error.message).toContain(`${file}: /credentials/0/trustedIssuers: is required unless trusted_authorities is given (use ["*"] to accept any issuer)`);
    expect(error.message).toContain(`${file}: /credentials/0/trustedIssuer: unknown property "trustedIssuer" (did you mean "trustedIssuers"?)`);
    expect(error.message).toContain(`${file}: /credentials/0/status: must be one of: required, optional, ignore`);
  });

  it('refuses a violation of the rules beyond the schema', async () => {
    const error = await configError(fixture('semantic-violation'));
    expect(error.message).toContain(
      `${fixture('semantic-violation/session-claim-from-unknown-query.json')}: /session/claims/email/0: unknown credential query id "employe"`,
    );
  });

  it('applies the configured session limit', async () => {
    const error = await configError(fixture('valid'), { sessionMaxTtl: 200 });
    expect(error.message).toContain(`${fixture('valid/employee-portal.json')}: /session/ttlSeconds: must not exceed 200`);
    expect(error.message).not.toContain('age-over-18'); // 120 s is within the limit
  });

  it('refuses the same policy id in two files, naming both', async () => {
    const error = await configError(fixture('duplicate-id'));
    expect(error.message).toContain(
      `${fixture('duplicate-id/employee-portal.json')}: policy id "employee-portal" is already defined in ${fixture('duplicate-id/employee-portal-copy.json')}`,
    );
  });

  it('reports the problems of every bad file at once', async () => {
    await writeFile(join(scratch, 'a.json'), '{');
    await writeFile(join(scratch, 'b.json'), '[]');
    const error = await configError(scratch);
    expect(error.message).toContain(`${join(scratch, 'a.json')}: is not valid JSON`);
    expect(error.message).toContain(`${join(scratch, 'b.json')}: (top level): must be an object`);
  });

  it('refuses a missing folder, naming KPARTY_POLICIES_DIR and the folder', async () => {
    const missing = join(scratch, 'no-such-folder');
    const error = await configError(missing);
    expect(error.message).toBe(`KPARTY_POLICIES_DIR: the folder ${missing} does not exist`);
  });

  it('refuses a file given instead of a folder', async () => {
    const file = fixture('valid/employee-portal.json');
    expect((await configError(file)).message).toBe(`KPARTY_POLICIES_DIR: ${file} is not a folder`);
  });

  it('refuses files over 1 MiB without parsing them', async () => {
    const big = join(scratch, 'big.json');
    await writeFile(big, `{"id": "big", "padding": "${'x'.repeat(MAX_POLICY_FILE_BYTES)}"}`);
    const error = await configError(scratch);
    expect(error.message).toMatch(new RegExp(`big\\.json: is \\d+ bytes; policy files may be at most ${MAX_POLICY_FILE_BYTES} bytes`));
  });

  it('refuses a file that is not UTF-8 text', async () => {
    await writeFile(join(scratch, 'latin1.json'), Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]));
    expect((await configError(scratch)).message).toContain('latin1.json: is not UTF-8 text');
  });

  it('follows symbolic links to files (Kubernetes ConfigMap volumes), and reports dangling ones', async () => {
    await symlink(fixture('valid/employee-portal.json'), join(scratch, 'linked.json'));
    await expect(loadPolicyFiles(scratch, LIMITS)).resolves.toEqual([expect.objectContaining({ id: 'employee-portal' })]);
    await symlink(join(scratch, 'gone.json'), join(scratch, 'dangling.json'));
    expect((await configError(scratch)).message).toContain(`${join(scratch, 'dangling.json')}: cannot be read (ENOENT)`);
  });

  it('names a policy without an id after its file, and refuses a file name that is not a valid id', async () => {
    const policy = {
      audience: 'https://orders.example.com',
      credentials: [{ id: 'employee', format: 'jwt_vc_json', meta: { type_values: [['EmployeeCredential']] }, trustedIssuers: ['did:web:hr.example.com'] }],
    };
    await writeFile(join(scratch, 'orders-portal.json'), JSON.stringify(policy));
    await expect(loadPolicyFiles(scratch, LIMITS)).resolves.toEqual([expect.objectContaining({ id: 'orders-portal' })]);
    await writeFile(join(scratch, 'explicit.json'), JSON.stringify({ id: 'kept-id', ...policy }));
    expect((await loadPolicyFiles(scratch, LIMITS)).map((p) => p.id)).toEqual(['kept-id', 'orders-portal']);
    await writeFile(join(scratch, 'Not An Id!.json'), JSON.stringify(policy));
    expect((await configError(scratch)).message).toContain(`${join(scratch, 'Not An Id!.json')}: /id:`);
  });

  it('skips dotfiles such as editor backups', async () => {
    await writeFile(join(scratch, '.draft.json'), '{');
    await expect(loadPolicyFiles(scratch, LIMITS)).resolves.toEqual([]);
  });
});
