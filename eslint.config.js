import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/**
 * The process's streams and exit belong to the CLI layer (src/commands, src/hooks, src/cli, src/base-command.ts):
 * everything else in src/ gets its terminal injected and reports failure by throwing. docs/architecture.md.
 */
const PROCESS_IO = ['stdout', 'stderr', 'stdin', 'exit', 'exitCode']
const processIoRules = {
  'no-restricted-properties': [
    'error',
    ...PROCESS_IO.map((property) => ({
      object: 'process',
      property,
      message: `process.${property} belongs to the CLI layer (src/commands, src/hooks, src/cli, src/base-command.ts): take an injected IO object, or throw a typed error.`,
    })),
  ],
  'no-restricted-imports': [
    'error',
    ...['process', 'node:process'].map((name) => ({
      name,
      importNames: PROCESS_IO,
      message: 'The process streams and exit belong to the CLI layer: take an injected IO object, or throw a typed error.',
    })),
  ],
}

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tmp/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': 'error',
    },
  },
  {
    files: ['src/commands/**/*.ts', 'scripts/**', 'bin/**', 'test/**'],
    rules: {'no-console': 'off'},
  },
  {
    files: ['src/**/*.ts'],
    ignores: [
      'src/commands/**',
      'src/hooks/**',
      'src/cli/**',
      'src/base-command.ts',
      // the GitHub Action's entry (action.yml): like a command, it is the process's own layer (its stdout carries the
      // runtime's workflow commands, its exit status fails the step); src/action/run.ts takes the IO injected all the same
      'src/action/main.ts',
    ],
    rules: processIoRules,
  },
  {
    files: ['**/*.js'],
    languageOptions: {globals: {process: 'readonly', console: 'readonly', URL: 'readonly'}},
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {sourceType: 'commonjs', globals: {require: 'readonly', module: 'writable', __dirname: 'readonly'}},
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
)
