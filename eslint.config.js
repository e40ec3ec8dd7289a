// Lint enforces the layers DESIGN.md draws (STYLE.md §1): a violation fails `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const electronOnlyHere = ['main/adapters/**', 'main/index.ts', 'preload/index.ts'];

const noElectron = {
  name: 'electron',
  message: "Only main/adapters/, main/index.ts and preload/index.ts may import 'electron'.",
};

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', 'release/**', 'test-results/**', 'playwright-report/**', 'test/lint/fixtures/**', 'test/hardening/fixtures/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // Plain JavaScript build and test scripts run on Node.
  {
    files: ['scripts/**/*.mjs', 'scripts/**/*.js', '*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  // Everywhere except the Electron layer: no 'electron'.
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: electronOnlyHere,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [noElectron], patterns: [{ group: ['electron/*'], message: noElectron.message }] }],
    },
  },
  // Adapter tests type their hand-written fake Electron against Electron's own types: types only.
  {
    files: ['test/adapters/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ ...noElectron, allowTypeImports: true }], patterns: [{ group: ['electron/*'], message: noElectron.message }] }],
    },
  },
  // main/core: pure. No I/O, no clock, no timers, nothing from the layers above it.
  {
    files: ['main/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            { group: ['node:*'], message: 'main/core is pure: no Node built-ins (time and I/O are parameters).' },
            { group: ['electron/*'], message: noElectron.message },
            { group: ['**/services/**', '**/services', '**/adapters/**', '**/adapters'], message: 'main/core may not import services or adapters.' },
            {
              group: ['fs', 'path', 'os', 'http', 'https', 'net', 'crypto', 'child_process', 'timers', 'events', 'url', 'util'],
              message: 'main/core is pure: no Node built-ins.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'main/core takes time as a parameter (STYLE.md §5).' },
        { name: 'setTimeout', message: 'main/core has no timers: return a deadline instead.' },
        { name: 'setInterval', message: 'main/core has no timers: return a deadline instead.' },
        { name: 'setImmediate', message: 'main/core has no timers.' },
        { name: 'performance', message: 'main/core takes time as a parameter.' },
        { name: 'process', message: 'main/core has no process access.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'globalThis', property: 'Date', message: 'main/core takes time as a parameter.' },
        { object: 'globalThis', property: 'setTimeout', message: 'main/core has no timers.' },
        { object: 'globalThis', property: 'setInterval', message: 'main/core has no timers.' },
      ],
    },
  },
  // renderer: sandboxed. Types from preload/contract only; no electron, no Node, no main.
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/vite.config.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            { group: ['node:*'], message: 'The renderer is sandboxed: no Node built-ins.' },
            { group: ['electron/*'], message: noElectron.message },
            { group: ['**/main/**', '**/main'], message: 'The renderer may not import main-process code.' },
            { group: ['**/preload/*', '!**/preload/contract', '!**/preload/contract.ts'], message: 'The renderer imports only types from preload/contract.' },
            { group: ['**/preload/contract', '**/preload/contract.ts'], allowTypeImports: true, message: 'The renderer imports only *types* from preload/contract (use `import type`).' },
          ],
        },
      ],
    },
  },
);
