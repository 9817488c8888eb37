/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  testTimeout: 30000,
  // Integration tests start real local servers; two workers fit the 2-core machines.
  maxWorkers: 2,
  // After every run: no secret a test used may appear in what the bots logged, sent or stored (test/leak-scan/).
  globalSetup: '<rootDir>/test/leak-scan/setup.ts',
  globalTeardown: '<rootDir>/test/leak-scan/teardown.ts',
};
