// Lint configuration: ESLint's and typescript-eslint's recommended rules on the TypeScript sources.
// Formatting is Prettier's job (.prettierrc.json); `npm test` runs both in check mode.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'web/dist/',
      'node_modules/',
      'bench/results/',
      'bench/pytorch/',
      'test/fixtures/',
      'assembly/',
      'src/kernels/wasm-binary.generated.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['web/public/sw.js'],
    languageOptions: { globals: { self: 'readonly', fetch: 'readonly', caches: 'readonly' } },
  },
  {
    files: ['scripts/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
