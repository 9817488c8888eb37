import path from 'node:path';
import { ESLint } from 'eslint';

/**
 * The import boundaries of docs/architecture.md are lint rules (eslint.config.js), so `npm test`
 * fails when the domain reaches for the edge or a second file imports the Teams SDK. This proves
 * the rules fire where they should and stay quiet where imports are allowed.
 */
const ROOT = path.join(__dirname, '../..');
// The config is handed over as an object: ESLint's own loader needs a dynamic import jest cannot do.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, baseConfig: require(path.join(ROOT, 'eslint.config.js')) });

async function restricted(file: string, imports: string[]): Promise<string[]> {
  const code = `${imports.map((m, i) => `import * as m${i} from '${m}';`).join('\n')}\nexport const all = [${imports.map((_, i) => `m${i}`).join(', ')}];\n`;
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => /'([^']+)' import/.exec(m.message)?.[1] ?? m.message);
}

describe('import boundaries', () => {
  it('keep the domain away from the Teams SDK, the bot edge, the HTTP server and card rendering', async () => {
    expect(await restricted('src/provisioning/new-module.ts', ['botbuilder', '../bot/turn', 'restify', '../cards/progress-card', '../ump/errors'])).toEqual([
      'botbuilder',
      '../bot/turn',
      'restify',
      '../cards/progress-card',
    ]);
  });

  it('keep the clients away from the domain as well', async () => {
    expect(await restricted('src/ump/new-module.ts', ['../provisioning/request', '@microsoft/teams-ai', '../outbound/resilience'])).toEqual([
      '../provisioning/request',
      '@microsoft/teams-ai',
    ]);
    expect(await restricted('src/tenant/new-module.ts', ['../provisioning/request'])).toEqual(['../provisioning/request']);
  });

  it('keep card rendering away from the bot edge', async () => {
    expect(await restricted('src/cards/new-card.ts', ['../bot/registry', '../provisioning/request'])).toEqual(['../bot/registry']);
  });

  it('let only the Teams adapter import botbuilder and teams-ai', async () => {
    expect(await restricted('src/bot/teams-adapter.ts', ['botbuilder', '@microsoft/teams-ai'])).toEqual([]);
    expect(await restricted('src/bot/features/new-feature.ts', ['botbuilder', '../registry'])).toEqual(['botbuilder']);
    expect(await restricted('src/main.ts', ['@microsoft/teams-ai'])).toEqual(['@microsoft/teams-ai']);
    expect(await restricted('src/server.ts', ['botbuilder', 'restify'])).toEqual(['botbuilder']);
  });
});
