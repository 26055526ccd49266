/**
 * The deployment files (issue 16 item 11), checked offline: no container
 * daemon or cluster runs here (docs/operations.md#containers says what was not
 * run). Manifests are validated against the Kubernetes schemas of
 * kubernetes-models; YAML is parsed with `yaml`; the nginx configuration of
 * compose.yaml goes through `nginx -t`; the image's start command and every
 * environment name are compared with package.json, the README and the
 * configuration kparty reads (src/core/config.ts).
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROOT = process.cwd();
const read = (...path: string[]): string => readFileSync(join(ROOT, ...path), 'utf8');
const K8S_DIR = join(ROOT, 'deploy', 'kubernetes');

/** Every environment variable src/core/config.ts reads (plus NODE_ENV), from its source. */
function configNames(): Set<string> {
  const source = read('src', 'core', 'config.ts');
  const names = new Set<string>(['NODE_ENV']);
  for (const m of source.matchAll(/env\.([A-Z][A-Z0-9_]*)/g)) names.add(m[1] as string);
  for (const m of source.matchAll(/integer\(env, '([A-Z][A-Z0-9_]*)'/g)) names.add(m[1] as string);
  return names;
}

/** The names in the README's configuration table (`| \`NAME\` |`, also `A` / `B` rows). */
function readmeNames(): Set<string> {
  const names = new Set<string>();
  for (const line of read('README.md')
    .split('\n')
    .filter((l) => l.startsWith('| `'))) {
    const first = line.split('|')[1] ?? '';
    for (const m of first.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(m[1] as string);
  }
  return names;
}

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap as never,
  'v1/Secret': Secret as never,
  'v1/Service': Service as never,
  'apps/v1/Deployment': Deployment as never,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as never,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as never,
};

function manifests(): Array<{ file: string; doc: Json }> {
  return readdirSync(K8S_DIR)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((file) => {
      const docs = parseAllDocuments(readFileSync(join(K8S_DIR, file), 'utf8'));
      return docs.map((doc) => {
        expect({ file, errors: doc.errors.map((e) => e.message) }).toEqual({ file, errors: [] });
        return { file, doc: doc.toJS() as Json };
      });
    });
}

const byKind = (kind: string): Json => {
  const found = manifests().find(({ doc }) => doc.kind === kind);
  if (!found) throw new Error(`no ${kind} in deploy/kubernetes`);
  return found.doc;
};

describe('deploy/kubernetes', () => {
  it('every manifest parses and validates against the Kubernetes schemas (kubernetes-models)', () => {
    const seen = manifests().map(({ file, doc }) => {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect({ file, model: Model !== undefined }).toEqual({ file, model: true });
      expect(() => new Model!(doc as never).validate()).not.toThrow();
      return doc.kind as string;
    });
    expect(seen.sort()).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Secret', 'Service']);
  });

  it('the validation catches a broken manifest', () => {
    const broken = structuredClone(byKind('Deployment'));
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => new Deployment(broken as never).validate()).toThrow(/containerPort/);
  });

  it('the kustomization lists every manifest but the example Secret', () => {
    const kustomization = parseYaml(read('deploy', 'kubernetes', 'kustomization.yaml')) as Json;
    const files = readdirSync(K8S_DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml' && f !== 'secret.example.yaml');
    expect([...(kustomization.resources as string[])].sort()).toEqual(files.sort());
  });

  it('the Deployment: readiness /readyz, liveness /healthz, non-root, the image command, selectors that match', () => {
    const deployment = byKind('Deployment');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(container.command).toEqual(dockerCmd());
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    expect(byKind('Service').spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(byKind('PodDisruptionBudget').spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(byKind('HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(container.envFrom).toEqual([{ configMapRef: { name: byKind('ConfigMap').metadata.name } }, { secretRef: { name: byKind('Secret').metadata.name } }]);
  });

  it('secrets hold the operator key and DATABASE_URL; the shared KPARTY_ISSUER is in the ConfigMap; every name is one kparty reads and the README lists', () => {
    const secret = byKind('Secret');
    expect(Object.keys(secret.stringData)).toEqual(expect.arrayContaining(['KPARTY_ADMIN_KEY', 'DATABASE_URL']));
    expect(secret.stringData.KPARTY_ADMIN_KEY.length).toBeGreaterThanOrEqual(32);
    expect(byKind('ConfigMap').data.KPARTY_ISSUER).toMatch(/^https:\/\//);
    const container = byKind('Deployment').spec.template.spec.containers[0];
    const names = [...Object.keys(secret.stringData), ...Object.keys(byKind('ConfigMap').data), ...(container.env as Json[]).map((e) => e.name as string)];
    const config = configNames();
    const readme = readmeNames();
    for (const name of names) {
      expect({ name, readByConfig: config.has(name) }).toEqual({ name, readByConfig: true });
      if (name !== 'NODE_ENV') expect({ name, inReadme: readme.has(name) }).toEqual({ name, inReadme: true });
    }
  });
});

function dockerfile(): string {
  return read('Dockerfile');
}

/** The exec-form CMD of the image's last stage. */
function dockerCmd(): string[] {
  const cmd = [...dockerfile().matchAll(/^CMD (\[.*\])$/gm)].at(-1)?.[1];
  return JSON.parse(cmd ?? '[]') as string[];
}

describe('Dockerfile', () => {
  const text = dockerfile();
  const stages = text.split(/^FROM /m).slice(1);
  const final = stages.at(-1) ?? '';

  it('is multi-stage, on Node 22, and the final stage has production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^node:22/);
    expect(text).toMatch(/npm ci --omit=dev/);
    expect(final).not.toMatch(/npm (ci|install)(?! --omit=dev)/);
    expect(final).toMatch(/COPY --from=prod-deps .*node_modules/);
  });

  it('runs as a non-root user with a HEALTHCHECK on /healthz', () => {
    expect(final).toMatch(/^USER node$/m);
    expect(final.indexOf('USER node')).toBeLessThan(final.indexOf('CMD '));
    expect(final).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
  });

  it('starts what `npm start` starts, with the files the service reads at run time', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(dockerCmd().join(' ')).toBe(pkg.scripts.start);
    expect(final).toMatch(/COPY .*schemas \.\/schemas/);
    expect(final).toMatch(/COPY .*package\.json \.\//);
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    for (const needed of ['src', 'schemas', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) expect(ignored).not.toContain(needed);
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', 'data']));
  });

  it('sets only environment names kparty reads and the README lists', () => {
    const env = [...final.matchAll(/^(?:ENV |\s+)([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] as string);
    expect(env).toEqual(expect.arrayContaining(['NODE_ENV', 'PORT', 'HOST', 'DATABASE_URL']));
    for (const name of env) {
      expect({ name, read: configNames().has(name) }).toEqual({ name, read: true });
      if (name !== 'NODE_ENV') expect({ name, inReadme: readmeNames().has(name) }).toEqual({ name, inReadme: true });
    }
  });
});

describe('compose.yaml', () => {
  const compose = parseYaml(read('compose.yaml')) as Json;

  it('runs two kparty replicas behind nginx, with PostgreSQL and Redis', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['kparty', 'nginx', 'postgres', 'redis']);
    const kparty = compose.services.kparty as Json;
    expect(kparty.deploy.replicas).toBe(2);
    expect(kparty.build).toBe('.');
    expect(kparty.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    expect(kparty.environment.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
    expect(kparty.environment.REDIS_URL).toBe('redis://redis:6379');
    expect(compose.services.nginx.ports).toEqual(['8080:80']);
  });

  it('sets only environment names kparty reads', () => {
    for (const name of Object.keys(compose.services.kparty.environment as Json)) {
      expect({ name, read: configNames().has(name) }).toEqual({ name, read: true });
    }
  });

  it('mounts an nginx configuration that nginx accepts (nginx -t)', () => {
    const mount = (compose.services.nginx.volumes as string[]).find((v) => v.includes('nginx.conf')) ?? '';
    const file = resolve(ROOT, mount.split(':')[0] ?? '');
    expect(existsSync(file)).toBe(true);
    const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
    if (!nginx) throw new Error('nginx is needed to check deploy/compose/nginx.conf (.ci/run installs it)');
    const dir = mkdtempSync(join(tmpdir(), 'kparty-nginx-t-'));
    try {
      writeFileSync(
        join(dir, 'nginx.conf'),
        `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  access_log off;\n  include ${file};\n}\n`,
      );
      const result = spawnSync(nginx, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
      expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the image layout, run here without a container', () => {
  it('starts from only what the final stage copies, with its ENV, and its HEALTHCHECK command passes', async () => {
    const { cpSync, symlinkSync, mkdirSync } = await import('node:fs');
    const { freePort } = await import('./harness.js');
    const app = mkdtempSync(join(tmpdir(), 'kparty-image-'));
    const final =
      dockerfile()
        .split(/^FROM /m)
        .at(-1) ?? '';
    // COPY lines of the final stage: dist (from the build stage), package.json, schemas; node_modules from prod-deps.
    for (const path of ['dist', 'schemas', 'package.json']) {
      expect(final).toMatch(new RegExp(`COPY .*\\b${path.replace('.', '\\.')}\\b`));
      cpSync(join(ROOT, path), join(app, path), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'));
    mkdirSync(join(app, 'data'));
    const env = Object.fromEntries([...final.matchAll(/^(?:ENV |\s+)([A-Z][A-Z0-9_]*)=(\S+?)(?: \\)?$/gm)].map((m) => [m[1] as string, m[2] as string]));
    const port = await freePort();
    const { spawn } = await import('node:child_process');
    const [command, ...args] = dockerCmd();
    const child = spawn(command === 'node' ? process.execPath : (command ?? ''), args, {
      cwd: app,
      env: {
        PATH: process.env.PATH ?? '',
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: `sqlite:${join(app, 'data', 'kparty.db')}`,
        KPARTY_ISSUER: 'https://kparty.example.com',
        KPARTY_ADMIN_KEY: 'image-test-operator-key-0123456789abcdef',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      expect(env).toMatchObject({ NODE_ENV: 'production', PORT: '8080', HOST: '0.0.0.0' });
      const deadline = Date.now() + 20_000;
      let healthy = false;
      while (!healthy && Date.now() < deadline && child.exitCode === null) {
        healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (!healthy) await new Promise((ok) => setTimeout(ok, 100));
      }
      expect({ healthy, output: healthy ? '' : output }).toEqual({ healthy: true, output: '' });
      expect((await fetch(`http://127.0.0.1:${port}/docs/openapi.json`)).status).toBe(200);
      const healthcheck = /^HEALTHCHECK [^\n]*\\\n\s+CMD (\[.*\])$/m.exec(final)?.[1];
      const probe = JSON.parse(healthcheck ?? '[]') as string[];
      expect(probe[0]).toBe('node');
      const passed = spawnSync(process.execPath, probe.slice(1), { env: { PORT: String(port) }, encoding: 'utf8', timeout: 10_000 });
      expect(passed.status).toBe(0);
      const failed = spawnSync(process.execPath, probe.slice(1), { env: { PORT: String(await freePort()) }, encoding: 'utf8', timeout: 10_000 });
      expect(failed.status).toBe(1);
    } finally {
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));
      rmSync(app, { recursive: true, force: true });
    }
  }, 40_000);
});
