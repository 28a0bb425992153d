import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'coverage/', 'node_modules/', '.bench/', '.parity/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }] }
  },
  {
    // The core is pure: no GitHub, no file system, no terminal.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@actions/*', '@octokit/*'], message: 'src/core must not know GitHub' },
            {
              group: ['node:*', 'fs', 'path', 'child_process', 'process'],
              message: 'src/core is pure'
            },
            {
              group: ['../github/*', '../cli/*', '../scan/*'],
              message: 'src/core does not import adapters'
            }
          ]
        }
      ],
      'no-restricted-globals': ['error', 'process', 'console']
    }
  }
)
