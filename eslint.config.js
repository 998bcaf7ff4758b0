// @file ESLint flat config: typescript-eslint recommended rules, zero warnings allowed.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/',
      'node_modules/',
      'coverage/',
      'test/fixtures/',
      'bench/results.json',
      'test-artifacts/',
      'docs/api/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Raw storage (issue 11, DESIGN decision 2): only the backends, the ops, the serializers and the Tensor class
    // itself touch a tensor's typed array, so a backend may keep it elsewhere (wasm memory, a GPU buffer). The
    // playground, benchmarks and examples are users of the package and read values the same way.
    files: ['src/**/*.ts', 'web/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts'],
    ignores: ['src/backend/**', 'src/ops/**', 'src/io/**', 'src/tensor/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'MemberExpression[property.name=/^storage(Base)?$/], ObjectPattern > Property[key.name=/^storage(Base)?$/]',
          message:
            "Raw storage is the backend's: read with t.dataSync()/t.toArray()/t.item() (or await t.data()), compute with ops, write in place with ops (copy_, fill_, uniform_…).",
        },
      ],
    },
  },
  {
    // The playground is a user of the package: it imports the public API ('neurite'), never source files.
    files: ['web/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(\\.\\./)+src/', message: "web/ uses neurite's public API: import from 'neurite'" },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', '*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
