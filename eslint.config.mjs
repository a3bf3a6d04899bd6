// Lint: typescript-eslint with type information (no-floating-promises needs it) and the import
// boundaries of docs/ARCHITECTURE.md: src/core is pure, webview/ is browser-only, and only
// src/aws imports the AWS SDK.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'fs/promises', 'path', 'os', 'child_process', 'http', 'https', 'net', 'crypto', 'zlib', 'stream', 'readline', 'worker_threads', 'url', 'util', 'events'];
const noNode = nodeBuiltins.flatMap((name) => [name, `node:${name}`]);

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  {
    // Everything outside src/aws reaches AWS through src/aws.
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    ignores: ['src/aws/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@aws-sdk/*', '@smithy/*'], message: 'Only src/aws imports the AWS SDK.' }] }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/core is pure: no vscode.' }, ...noNode.map((name) => ({ name, message: 'src/core is pure: no Node I/O.' }))],
          patterns: [
            { group: ['@aws-sdk/*', '@smithy/*'], message: 'src/core is pure: no AWS SDK.' },
            { group: ['**/aws/**', '**/aws', '**/features/**', '**/shared/log', '**/extension'], message: 'src/core imports only src/core.' },
          ],
        },
      ],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The webview runs in a browser: no vscode.' }, ...noNode.map((name) => ({ name, message: 'The webview runs in a browser: no Node built-ins.' }))],
          patterns: [
            { group: ['@aws-sdk/*', '@smithy/*'], message: 'The webview never talks to AWS.' },
            { group: ['**/src/aws/**', '**/src/features/**', '**/src/shared/log', '**/src/extension'], message: 'The webview imports only src/shared/protocol and src/core.' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
