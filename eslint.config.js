// Lint gate (npm run lint; also the first step of npm test). TypeScript sources get typescript-eslint's
// type-checked rules (they catch floating promises and misused awaits, which plain rules cannot); the
// .mjs/.cjs scripts are linted without type information.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Node's own globals, taken from the running Node: no extra dependency, and scripts run on that Node.
const nodeGlobals = Object.fromEntries(Object.getOwnPropertyNames(globalThis).map((n) => [n, 'readonly']));

const defectRules = {
  eqeqeq: ['error', 'always', { null: 'ignore' }],
  'no-unused-vars': 'off',
  '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'lib/generated/**', 'test/fixtures/**', 'examples/**', 'templates/**', '.tmp/**', 'llm-report/**', 'bench/results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: nodeGlobals,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      ...defectRules,
      // node:test's describe/it/test return promises the runner itself awaits; everything else must be
      // awaited (an un-awaited t.test() is cancelled when its parent ends).
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    rules: { ...tseslint.configs.disableTypeChecked.rules, ...defectRules },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly', __filename: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests read JSON artifacts (JSON.parse gives any) and run code in the browser page (DOM types are
    // not in our lib); their assertions check the shapes, so any-tracking there only adds casts.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
