// Jest 30 on native ESM: TypeScript is transformed by @swc/jest, and every
// test script runs jest with NODE_OPTIONS=--experimental-vm-modules.
// Two projects (docs/architecture.md "Tests"): `unit` runs in process
// (src/ specs, test/net, test/http on the real app through Fastify inject) and
// needs no build; `e2e` spawns the built service (dist/), built once before it.

/**
 * ESM-only packages that CommonJS packages require(): @fastify/static (the
 * OpenAPI UI's assets) needs content-disposition, light-my-request (Fastify's
 * `inject`, used by the in-process HTTP tests) needs cookie. Node runs that
 * natively; Jest cannot before Node 24.9, so they are compiled to CommonJS.
 */
const ESM_ONLY = ['content-disposition', 'cookie'];

const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'es6' },
      },
    ],
    [`/node_modules/(?:${ESM_ONLY.join('|')})/.+\\.js$`]: ['@swc/jest', { module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(?:${ESM_ONLY.join('|')})/)`],
};

/** @type {import('jest').Config} */
export default {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      // Every spec under src/ and test/ but the spawned-process, browser and multi-replica suites (the e2e project).
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/test/e2e/',
        '<rootDir>/test/storage/',
        '\\.browser\\.spec\\.ts$',
        '<rootDir>/test/oid4vp/replicas\\.spec\\.ts$',
      ],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: [
        '<rootDir>/test/e2e/**/*.spec.ts',
        '<rootDir>/test/storage/**/*.spec.ts',
        '<rootDir>/test/oid4vp/**/*.browser.spec.ts',
        '<rootDir>/test/oid4vp/replicas.spec.ts',
      ],
      // These suites run the built service (dist/): build it once before them (KPARTY_SKIP_BUILD=1 skips).
      globalSetup: '<rootDir>/test/global-setup.js',
    },
  ],
  testTimeout: 30000,
  maxWorkers: 2,
};
