import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    // docs/architecture.md: the core is framework-free; NestJS lives in src/api/ and src/main.ts only
    // (and in the guard's own NestJS module, src/guard/nestjs/, which the plain guard never imports).
    files: ['src/**/*.ts'],
    ignores: ['src/api/**', 'src/main.ts', 'src/guard/nestjs/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@nestjs/*'], message: 'The core is framework-free: NestJS belongs in src/api/.' }] }],
    },
  },
  {
    // kparty/guard works without NestJS: its plain parts import neither NestJS nor the guard's NestJS module.
    files: ['src/guard/**/*.ts'],
    ignores: ['src/guard/nestjs/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*'], message: 'The plain guard is framework-free: NestJS belongs in src/guard/nestjs/.' },
            { group: ['**/nestjs/*', './nestjs/*'], message: 'The plain guard must not import its NestJS module.' },
            // kparty/guard ships on its own: nothing from the rest of src/ (the DPoP verifier lives here and kparty imports it).
            { group: ['../*', '!../guard/*'], message: 'kparty/guard imports nothing from the rest of src/.' },
          ],
        },
      ],
    },
  },
  {
    // The guard's NestJS module, likewise, imports only the guard.
    files: ['src/guard/nestjs/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../../*'], message: 'kparty/guard imports nothing from the rest of src/.' }] }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
      },
    },
  },
);
