// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

// Import boundaries (docs/architecture.md): dependencies point one way, bot/ → provisioning/ →
// (ump/, tenant/, outbound/), and only the Teams adapter knows the Teams SDK.
const TEAMS_SDK = {
  group: ['botbuilder', 'botbuilder-*', 'botframework-*', '@microsoft/teams-ai'],
  message: 'Only src/bot/teams-adapter.ts imports the Teams SDK; use the Turn and Messenger types.',
};
const EDGE = { group: ['**/bot', '**/bot/**', 'restify'], message: 'bot/ and the HTTP server are the edge: nothing below them imports them.' };
const CARDS = { group: ['**/cards/**'], message: 'The domain and the clients never import card rendering; the edge renders.' };
const DOMAIN = {
  group: ['**/provisioning', '**/provisioning/**'],
  message: 'Clients (ump/, tenant/, outbound/) do not depend on the domain; the domain depends on them.',
};
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read the environment only in src/config.ts.' },
      ],
    },
  },
  { files: ['src/**/*.ts'], ignores: ['src/bot/teams-adapter.ts', 'src/**/*.test.ts'], rules: restrict(TEAMS_SDK) },
  { files: ['src/provisioning/**/*.ts'], ignores: ['src/**/*.test.ts'], rules: restrict(TEAMS_SDK, EDGE, CARDS) },
  { files: ['src/ump/**/*.ts', 'src/tenant/**/*.ts', 'src/outbound/**/*.ts'], ignores: ['src/**/*.test.ts'], rules: restrict(TEAMS_SDK, EDGE, CARDS, DOMAIN) },
  { files: ['src/cards/**/*.ts'], ignores: ['src/**/*.test.ts'], rules: restrict(TEAMS_SDK, EDGE) },
  {
    files: ['src/config.ts', 'scripts/**', 'test/**', 'src/**/*.test.ts', 'src/sandbox/cli.ts'],
    rules: { 'no-restricted-syntax': 'off', 'no-console': 'off' },
  },
);
