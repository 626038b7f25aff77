// One jest run for every test: unit tests sit next to the code, integration and e2e suites under test/.
// SWC strips types (tsc type-checks in `npm run typecheck`), so the suite stays fast on 2 cores.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{apps,libs,firmware-sim,test}/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleNameMapper: {
    '^@loa-xa/protocol$': '<rootDir>/libs/protocol/src',
    '^@loa-xa/broker$': '<rootDir>/libs/broker/src',
    '^@loa-xa/persistence$': '<rootDir>/libs/persistence/src',
    '^@loa-xa/schedule$': '<rootDir>/libs/schedule/src',
    '^@loa-xa/health$': '<rootDir>/libs/health/src',
    '^@loa-xa/firmware-sim$': '<rootDir>/firmware-sim/src',
  },
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
