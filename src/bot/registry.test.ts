import fs from 'node:fs';
import path from 'node:path';
import { FEATURES } from './features';
import { renderManifest } from './manifest';
import { buildRegistry, declaredCommands, defineFeature, manifestCommandLists, RegistryError, registryProblems, type Feature } from './registry';
import type { ProvisioningService } from '../provisioning/service';
import { createLogger } from '../logger';

const ROOT = path.join(__dirname, '../..');
const deps = { service: {} as ProvisioningService, logger: createLogger({ level: 'silent', pretty: false }) };
const noop = async () => undefined;

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
    const built = FEATURES.map((f) => f.create({ ...deps, commands: declaredCommands(FEATURES) }));
    expect(registryProblems(FEATURES, built)).toEqual([]);
    const registry = buildRegistry(FEATURES, deps);
    for (const c of registry.commands) expect(typeof registry.commandHandler(c.name)).toBe('function');
    for (const v of registry.verbs) expect(typeof registry.actionHandler(v.verb)).toBe('function');
  });

  it('refuses to start with a command or verb that has no handler, or a handler nobody declared', () => {
    const broken: Feature = {
      id: 'broken',
      commands: [{ name: 'status', aliases: [], usage: 'status', summary: 's', permission: 'anyone' }],
      verbs: [{ verb: 'request.cancel', permission: 'request' }],
      create: () => ({ commands: { list: noop }, verbs: { 'request.retry': noop } }),
    };
    expect(() => buildRegistry([broken], deps)).toThrow(RegistryError);
    const problems = registryProblems([broken], [broken.create({ ...deps, commands: [] })]);
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
      commands: [{ name: 'create', aliases: [], usage: 'create', summary: 's', permission: 'anyone' }],
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
    expect(manifestCommandLists(FEATURES)[0].commands.map((c) => c.title)).toEqual(['new', 'help']);
    for (const c of declaredCommands(FEATURES)) expect(c.summary.length).toBeLessThanOrEqual(128);
  });

  it('finds commands by name or alias and suggests the closest one for a typo', () => {
    const registry = buildRegistry(FEATURES, deps);
    expect(registry.findCommand('create')?.name).toBe('new');
    expect(registry.findCommand('?')?.name).toBe('help');
    expect(registry.suggest('hlep')?.name).toBe('help');
    expect(registry.suggest('xyzzy')).toBeUndefined();
  });
});
