// @ts-check
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import jest from 'eslint-plugin-jest';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'coverage/', '.local/', 'node_modules/'] },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its failure: say `void` where that is meant.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Request fields: MySQL counts a VARCHAR's length in code points, class-validator's length checks do not (they
    // leave out U+FE0F): a value they pass can overflow its column. MaxCodePoints counts as the column does.
    files: ['src/**/*.ts'],
    ignores: ['src/config/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'class-validator',
              importNames: ['MaxLength', 'MinLength', 'Length', 'IsByteLength'],
              message: 'Use MaxCodePoints (src/common/validation/text-length.decorator.ts): lengths as the database counts them.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The account pages' scripts run in the browser.
    files: ['src/account-pages/assets/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Jest types its asymmetric matchers (expect.any, expect.objectContaining) as `any`, and
    // supertest every response body: in the test files themselves, the assertions around a
    // value are its type check. Helpers (test/support, test/faults) keep the rules.
    files: ['src/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['src/**/*.spec.ts', 'test/**/*.ts'],
    extends: [jest.configs['flat/recommended']],
    rules: {
      // An `expect(...).rejects` nobody awaits asserts nothing.
      'jest/valid-expect': ['error', { alwaysAwait: true }],
      // supertest's `.expect(status)` asserts; so do the suites' own `expect…` helpers.
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', '**.expect', '**.expect*'] }],
      // The suites check in afterEach that a case left the database and the process as they were.
      'jest/no-standalone-expect': ['error', { additionalTestBlockFunctions: ['afterEach'] }],
      // `expect(mock.method).toHaveBeenCalled()` passes a method unbound, which the jest rule knows is safe.
      '@typescript-eslint/unbound-method': 'off',
      'jest/unbound-method': 'error',
    },
  },
  prettier,
);
