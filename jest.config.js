// NestJS 12 ships ES modules only, and Jest 30 on Node 20 cannot require() them:
// swc compiles both our TypeScript and those packages' JavaScript to CommonJS.
const swcTransform = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const esmOnlyPackages = [
  '@nestjs',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  'uint8array-extras',
  'openid-client',
  'oauth4webapi',
  'jose',
  '@badgateway/oauth2-client',
];

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': swcTransform },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFilesAfterEnv: ['<rootDir>/test/support/domain-error-matcher.ts'],
};

module.exports = {
  // A global option: Jest ignores testTimeout inside a project. Some e2e suites start
  // a database server or a service process of their own, and CI machines are shared.
  testTimeout: 30000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      rootDir: '.',
      roots: ['<rootDir>/src'],
      testRegex: '\\.spec\\.ts$',
    },
    {
      ...shared,
      displayName: 'e2e',
      rootDir: '.',
      testRegex: 'test/.*\\.e2e-spec\\.ts$',
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      setupFiles: ['<rootDir>/test/support/worker-env.ts'],
    },
  ],
};
