// Jest runs the TypeScript sources as native ESM (node --experimental-vm-modules), compiled by swc,
// so ESM-only dependencies (bpmn-moddle, feelin) load as they do in production.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    // bin/ holds both the CLI's source (wenzheng.ts) and its launcher (wenzheng.js): tests want the source
    '^\\./wenzheng\\.js$': '<rootDir>/bin/wenzheng.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // its CommonJS build requires ESM-only min-dash: the ESM build loads natively
    '^@bpmn-io/element-templates-validator$': '<rootDir>/node_modules/@bpmn-io/element-templates-validator/dist/index.js',
  },
  testEnvironment: 'node',
  cacheDirectory: '<rootDir>/.cache/jest',
};
export default {
  // the projects' own testTimeout is not applied to hooks: scenario and HTTP tests set up a whole app
  testTimeout: 60_000,
  // whether the regulation scenarios also run on Zeebe (a broker at ZEEBE_GRPC_ADDRESS), said once per run
  globalSetup: '<rootDir>/processes/scenarios/zeebe-probe.mjs',
  projects: [
    // "db" holds the data-layer and engine tests: .ci/run runs them again against MariaDB (DB_URL).
    {
      ...common,
      displayName: 'db',
      // scenario tests walk a whole case through a database; MariaDB in CI is slower than SQLite here
      testTimeout: 60_000,
      testMatch: ['<rootDir>/engine/**/*.test.ts', '<rootDir>/server/data/**/*.test.ts', '<rootDir>/bin/**/*.test.ts', '<rootDir>/processes/scenarios/**/*.test.ts', '<rootDir>/server/test/api/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{regulation,server,workers}/**/*.test.ts', '<rootDir>/forms/**/*.test.ts', '<rootDir>/processes/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/server/data/', '<rootDir>/server/test/api/', '<rootDir>/server/test/browser/'],
    },
    // Chromium on a loaded two-core machine: a modeler page alone takes ~35 s there; its tests wait on
    // conditions (Playwright's own waits) with limits such a machine meets
    {
      ...common,
      displayName: 'browser',
      testTimeout: 180_000,
      testMatch: ['<rootDir>/server/test/browser/**/*.test.ts'],
    },
  ],
};
