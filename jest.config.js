// One jest run for the whole workspace: shared rules, server units, and the cross-package suites in tests/.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022' }, module: { type: 'commonjs' } }];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages/shared/src', '<rootDir>/apps/server/src', '<rootDir>/apps/miniprogram/src', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: { '^.+\\.(t|j)sx?$': swc },
  // cookie and content-disposition ship ESM only; Node 20 jest cannot require them untransformed.
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/)?(content-disposition|cookie)[@/])'],
  moduleNameMapper: {
    '^@linli/shared$': '<rootDir>/packages/shared/src/index.ts',
    '^@linli/server/(.*)$': '<rootDir>/apps/server/src/$1',
  },
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  testTimeout: 30_000,
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
};
