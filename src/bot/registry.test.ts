import { parseListFilter } from './features/request-commands';
import fs from 'node:fs';
import path from 'node:path';
import { FEATURES } from './features';
import { renderManifest } from './manifest';
import { buildRegistry, declaredCommands, defineFeature, manifestCommandLists, RegistryError, registryProblems, type Feature } from './registry';
import type { ProvisioningService } from '../provisioning/service';
import { createAccessPolicy } from '../provisioning/access';
import { createLogger } from '../logger';
import { createAccessGuard } from './access-guard';
import type { ActionTurn, CommandTurn } from './turn';
import { featureWithCommands, testAddress } from '../../test/helpers/fixtures';

const ROOT = path.join(__dirname, '../..');
const access = createAccessPolicy({ requesters: ['aad-requester'], approvers: [], admins: [], contact: 'the NOC lead' });
const deps = {
  service: {} as ProvisioningService,
  logger: createLogger({ level: 'silent', pretty: false }),
  access,
  card: () => ({ type: 'AdaptiveCard' as const }),
};
const featureDeps = (commands = declaredCommands(FEATURES)) => ({
  ...deps,
  commands,
  guard: createAccessGuard({ access, requests: { get: async () => undefined }, commands }),
  answerWithRequestCard: noop,
});
const noop = async () => undefined;

/** A turn that records what was answered. */
function fakeTurn(aadObjectId: string, invoke: boolean) {
  const said: string[] = [];
  const turn = {
    actor: { id: aadObjectId, name: 'Someone', aadObjectId },
    address: testAddress(),
    botName: 'Bot',
    invoke,
    log: deps.logger,
    send: async (m: unknown) => void said.push(String(m)),
    answerWithError: async (_s: number, m: string) => void said.push(`error: ${m}`),
    answerWithCard: async () => void said.push('card'),
    invokeAnswered: () => false,
    command: { word: 'secret', rest: '', args: { named: {}, positional: [] } },
    action: { verb: 'x.do', data: {}, via: 'execute' as const },
  };
  return { turn: turn as unknown as CommandTurn & ActionTurn, said };
}

/** Verbs used by the card templates, in `verb` and `data.verb`. */
function templateVerbs(): Set<string> {
  const verbs = new Set<string>();
  for (const f of fs.readdirSync(path.join(ROOT, 'cards'))) {
    const text = fs.readFileSync(path.join(ROOT, 'cards', f), 'utf8');
    for (const m of text.matchAll(/"verb"\s*:\s*"([^"$]+)"/g)) verbs.add(m[1]);
  }
  return verbs;
}

describe('the feature registry', () => {
  it('builds: every declared command and verb of the bot has a handler, and every handler a declaration', () => {
    const built = FEATURES.map((f) => f.create(featureDeps()));
    expect(registryProblems(FEATURES, built)).toEqual([]);
    const registry = buildRegistry(FEATURES, deps);
    for (const c of registry.commands) expect(typeof registry.commandHandler(c.name)).toBe('function');
    for (const v of registry.verbs) expect(typeof registry.actionHandler(v.verb)).toBe('function');
  });

  it('refuses to start with a command or verb that has no handler, or a handler nobody declared', () => {
    const broken: Feature = {
      id: 'broken',
      commands: [{ name: 'status', aliases: [], usage: 'status', summary: 's', example: 'x', permission: 'help' }],
      verbs: [{ verb: 'request.cancel', permission: 'request' }],
      create: () => ({ commands: { list: noop }, verbs: { 'request.retry': noop } }),
    };
    expect(() => buildRegistry([broken], deps)).toThrow(RegistryError);
    const problems = registryProblems([broken], [broken.create(featureDeps([]))]);
    expect(problems).toEqual([
      "command 'status' of broken has no handler",
      "verb 'request.cancel' of broken has no handler",
      "broken has a handler for command 'list' that it does not declare",
      "broken has a handler for verb 'request.retry' that it does not declare",
    ]);
  });

  it('refuses a command word or verb declared twice', () => {
    const twin = defineFeature({
      id: 'twin',
      commands: [{ name: 'create', aliases: [], usage: 'create', summary: 's', example: 'x', permission: 'help' }],
      verbs: [{ verb: 'customer.create', permission: 'request' }],
      create: () => ({ commands: { create: noop }, verbs: { 'customer.create': noop } }),
    });
    expect(() => buildRegistry([...FEATURES, twin], deps)).toThrow(
      /command word 'create' of twin is also declared by new-customer[\s\S]*verb 'customer.create' of twin/,
    );
  });

  it('declares exactly the verbs the card templates use', () => {
    expect([...templateVerbs()].sort()).toEqual(FEATURES.flatMap((f) => f.verbs.map((v) => v.verb)).sort());
  });

  it('gives the Teams manifest its command lists, filled into the template with every placeholder', () => {
    const template = JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest/manifest.json'), 'utf8'));
    const names = [...new Set(JSON.stringify(template).match(/\$\{\{[A-Z0-9_]+\}\}/g))].map((p) => p.slice(3, -2));
    expect(() => renderManifest(template, {}, FEATURES)).toThrow(/needs values for: .*BOT_ID/);
    const manifest = renderManifest(template, Object.fromEntries(names.map((n) => [n, `value-of-${n}`])), FEATURES) as {
      bots: { botId: string; commandLists: unknown }[];
    };
    expect(JSON.stringify(manifest)).not.toContain('${{');
    expect(manifest.bots[0].botId).toBe('value-of-BOT_ID');
    expect(manifest.bots[0].commandLists).toEqual(manifestCommandLists(FEATURES));
    const declared = declaredCommands(FEATURES).map((c) => ({ title: c.name, description: c.summary }));
    expect(manifestCommandLists(FEATURES)).toEqual([
      { scopes: ['personal'], commands: declared },
      { scopes: ['team'], commands: declared },
      { scopes: ['groupChat'], commands: declared },
    ]);
    expect(declaredCommands(FEATURES).map((c) => c.name)).toEqual(expect.arrayContaining(['new', 'help']));
    for (const c of declaredCommands(FEATURES)) expect(c.summary.length).toBeLessThanOrEqual(128);
  });

  it('lists at most 10 commands per manifest scope: the first 10, in registry order', () => {
    const many = featureWithCommands(12);
    const lists = manifestCommandLists([many]);
    expect(lists.map((l) => l.scopes)).toEqual([['personal'], ['team'], ['groupChat']]);
    for (const l of lists) expect(l.commands.map((c) => c.title)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9']);
  });

  it('runs a handler only when the access policy allows its declared permission, and tells the others what they may still do', async () => {
    const ran: string[] = [];
    const guardedFeature = defineFeature({
      id: 'guarded',
      commands: [
        { name: 'secret', aliases: [], usage: 'secret', summary: 's', example: 'x', permission: 'request' },
        { name: 'open', aliases: [], usage: 'open', summary: 'o', example: 'x', permission: 'help' },
      ],
      verbs: [{ verb: 'x.do', permission: 'request' }],
      create: () => ({
        commands: { secret: async () => void ran.push('secret'), open: async () => void ran.push('open') },
        verbs: { 'x.do': async () => void ran.push('x.do') },
      }),
    });
    const registry = buildRegistry([guardedFeature], deps);
    const outsider = fakeTurn('aad-outsider', false);
    await registry.commandHandler('secret')(outsider.turn);
    expect(ran).toEqual([]);
    expect(outsider.said[0]).toMatch(/You can't create customers with this bot\. Ask the NOC lead .* You can still use: open\./);
    const clicked = fakeTurn('aad-outsider', true);
    await registry.actionHandler('x.do')!(clicked.turn);
    expect(ran).toEqual([]);
    expect(clicked.said[0]).toMatch(/^error: You can't create customers/);
    await registry.commandHandler('open')(outsider.turn);
    const member = fakeTurn('AAD-REQUESTER', true);
    await registry.commandHandler('secret')(member.turn);
    await registry.actionHandler('x.do')!(member.turn);
    expect(ran).toEqual(['open', 'secret', 'x.do']);
  });

  it('finds commands by name or alias and suggests the closest one for a typo', () => {
    const registry = buildRegistry(FEATURES, deps);
    expect(registry.findCommand('create')?.name).toBe('new');
    expect(registry.findCommand('?')?.name).toBe('help');
    expect(registry.suggest('hlep')?.name).toBe('help');
    expect(registry.suggest('xyzzy')).toBeUndefined();
  });
});

describe('list filters', () => {
  it('reads mine and state words, and names what it does not know', () => {
    expect(parseListFilter(['Mine', 'failed'], 'aad-1')).toEqual({ query: { requestedBy: 'aad-1', states: ['failed'] }, unknown: [] });
    expect(parseListFilter(['running'], 'a').query.states).toEqual(['awaiting_approval', 'queued', 'submitted', 'deploying']);
    expect(parseListFilter(['awaiting_approval', 'expired'], 'a').query.states).toEqual(['awaiting_approval', 'expired']);
    expect(parseListFilter(['all'], 'a')).toEqual({ query: {}, unknown: [] });
    expect(parseListFilter(['sideways'], 'a').unknown).toEqual(['sideways']);
    expect(parseListFilter(['constructor', '__proto__', 'toString'], 'a').unknown).toEqual(['constructor', '__proto__', 'toString']);
  });
});
