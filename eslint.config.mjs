import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', '*.js', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    // Plain Node.js maintenance scripts (CommonJS).
    files: ['scripts/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        console: 'readonly',
        process: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['libs/schedule/**/*.ts', 'libs/health/**/*.ts'],
    rules: {
      // Pure logic: no framework, no database, no I/O, so it is tested alone and reused anywhere.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@nestjs/*',
            'typeorm',
            '@loa-xa/persistence',
            '@loa-xa/broker',
            '**/apps/**',
            'node:fs',
            'fs',
          ],
        },
      ],
    },
  },
  {
    files: ['firmware-sim/**/*.ts'],
    rules: {
      // The simulator is a device: it may only know the contract, never the server.
      'no-restricted-imports': [
        'error',
        { patterns: ['@loa-xa/persistence', '@loa-xa/broker', '**/apps/**', '../apps/*', '../../apps/*'] },
      ],
    },
  },
);
