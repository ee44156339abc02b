// ESLint (flat config): the usual JavaScript and typescript-eslint checks. Layering is checked by
// dependency-cruiser (.dependency-cruiser.cjs), formatting by Prettier; both run in `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/', 'dist/', 'node_modules/', 'test-artifacts/', 'models/', 'datasets/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // Unused names are errors, except the `_name` convention for deliberately ignored ones.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // TypeScript checks names itself (and knows Node's and the DOM's globals per file).
      'no-undef': 'off',
      // Input sanitisers match control characters on purpose (core/printable-excerpt.ts and its tests).
      'no-control-regex': 'off',
    },
  },
  {
    // CommonJS config files (dependency-cruiser reads .cjs).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
