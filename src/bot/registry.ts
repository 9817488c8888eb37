import type { Logger } from '../logger';
import type { AccessPolicy, Action } from '../provisioning/access';
import type { ProvisioningService } from '../provisioning/service';
import type { ProvisioningRequest } from '../provisioning/request';
import type { ProgressView } from '../cards/progress-card';
import type { AdaptiveCardJson } from '../cards/render';
import { createAccessGuard, type AccessGuard } from './access-guard';
import { findCommand, suggestCommand, type CommandWords } from './commands';
import type { ActionHandler, ActionTurn, CommandHandler, EventHandler, Turn } from './turn';

/**
 * The one list of what the bot can do. A feature declares its commands (words, usage, example,
 * one-line summary, the permission it needs) and its card verbs, and builds their handlers. Routes,
 * `help`, the fallback's suggestion and the Teams manifest's command lists all read the registry,
 * so adding a command is one feature file and one line in features/index.ts.
 */

/**
 * What an actor must be allowed to do for a command or card action: an action of the domain's
 * access policy (provisioning/access.ts), which decides who. The registry checks it before the
 * handler runs; handlers of actions on one request also ask for that request (AccessGuard.request).
 */
export type Permission = Action;

export interface CommandSpec extends CommandWords {
  /** Shown in help, e.g. `new [shortName=Acme] …`. */
  usage: string;
  /** One line: what it does (also the description in the Teams command menu, ≤ 128 characters). */
  summary: string;
  /** One line that works as typed, shown in help: `status REQ-7K3F9Q`. */
  example: string;
  permission: Permission;
}

export interface VerbSpec {
  /** The card action verb; cards/*.json use it in `verb` and `data.verb`. Never rename one in use. */
  verb: string;
  permission: Permission;
}

export interface FeatureDeps {
  service: ProvisioningService;
  logger: Logger;
  /** Every declared command, in help order. */
  commands: readonly CommandSpec[];
  /** The access policy, as the edge asks it. */
  guard: AccessGuard;
  /** A request's card as it is now (queue place, refresh list), optionally one user's view of it. */
  card: RequestCard;
  /**
   * Answers a click with the request's shared card as it stands. A click's answer replaces the card
   * for the clicker only; in a personal chat that is everyone who sees it, so the card updater is
   * told and does not edit the message again to the same content (one edit per real change).
   */
  answerWithRequestCard(turn: ActionTurn, r: ProvisioningRequest, card: AdaptiveCardJson): Promise<void>;
  /** UMP_PORTAL_URL (a customer's portal page, `{customerGuid}`/`{shortName}` filled in), if set. */
  portalUrl?: string;
}

export type RequestCard = (r: ProvisioningRequest, view?: Pick<ProgressView, 'target' | 'viewer' | 'snapshot'>) => AdaptiveCardJson;

export interface RegistryDeps {
  service: ProvisioningService;
  logger: Logger;
  access: AccessPolicy;
  card: RequestCard;
  /** The request's own message already shows this card (the card updater's `shown`). */
  cardShown?(r: ProvisioningRequest, card: AdaptiveCardJson): void;
  portalUrl?: string;
}

export interface FeatureHandlers {
  commands: Record<string, CommandHandler>;
  verbs: Record<string, ActionHandler>;
  /** When the bot is added to a conversation. */
  onBotAdded?: EventHandler;
}

export interface Feature {
  id: string;
  commands: readonly CommandSpec[];
  verbs: readonly VerbSpec[];
  create(deps: FeatureDeps): FeatureHandlers;
}

/**
 * Declares a feature; the compiler checks that `create` returns exactly one handler for each
 * declared command name and verb (and buildRegistry checks it again at start).
 */
export function defineFeature<const C extends readonly CommandSpec[] = readonly [], const V extends readonly VerbSpec[] = readonly []>(f: {
  id: string;
  commands?: C;
  verbs?: V;
  create(deps: FeatureDeps): {
    commands: { [K in C[number]['name']]: CommandHandler };
    verbs: { [K in V[number]['verb']]: ActionHandler };
    onBotAdded?: EventHandler;
  };
}): Feature {
  return { id: f.id, commands: f.commands ?? [], verbs: f.verbs ?? [], create: f.create as Feature['create'] };
}

export interface Registry {
  readonly commands: readonly CommandSpec[];
  readonly verbs: readonly VerbSpec[];
  findCommand(word: string): CommandSpec | undefined;
  suggest(word: string): CommandSpec | undefined;
  commandHandler(name: string): CommandHandler;
  actionHandler(verb: string): ActionHandler | undefined;
  readonly onBotAdded: readonly EventHandler[];
}

export class RegistryError extends Error {
  constructor(readonly problems: string[]) {
    super(`The feature registry is inconsistent:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'RegistryError';
  }
}

/** Every command the features declare, in help order (no handlers built: for help text and the manifest). */
export function declaredCommands(features: readonly Feature[]): CommandSpec[] {
  return features.flatMap((f) => f.commands);
}

/** What is wrong between declarations and handlers; empty when consistent. */
export function registryProblems(features: readonly Feature[], built: readonly FeatureHandlers[]): string[] {
  const problems: string[] = [];
  const words = new Map<string, string>();
  const verbs = new Map<string, string>();
  features.forEach((f, i) => {
    const h = built[i];
    for (const c of f.commands) {
      for (const w of [c.name, ...c.aliases]) {
        if (words.has(w)) problems.push(`command word '${w}' of ${f.id} is also declared by ${words.get(w)}`);
        words.set(w, f.id);
      }
      if (typeof h.commands[c.name] !== 'function') problems.push(`command '${c.name}' of ${f.id} has no handler`);
    }
    for (const v of f.verbs) {
      if (verbs.has(v.verb)) problems.push(`verb '${v.verb}' of ${f.id} is also declared by ${verbs.get(v.verb)}`);
      verbs.set(v.verb, f.id);
      if (typeof h.verbs[v.verb] !== 'function') problems.push(`verb '${v.verb}' of ${f.id} has no handler`);
    }
    for (const name of Object.keys(h.commands)) {
      if (!f.commands.some((c) => c.name === name)) problems.push(`${f.id} has a handler for command '${name}' that it does not declare`);
    }
    for (const verb of Object.keys(h.verbs)) {
      if (!f.verbs.some((v) => v.verb === verb)) problems.push(`${f.id} has a handler for verb '${verb}' that it does not declare`);
    }
  });
  return problems;
}

/**
 * Builds every feature's handlers, each behind the permission it declares (no handler decides on
 * its own); throws RegistryError when declarations and handlers disagree.
 */
export function buildRegistry(features: readonly Feature[], deps: RegistryDeps): Registry {
  const commands = declaredCommands(features);
  const guard = createAccessGuard({ access: deps.access, requests: deps.service, commands });
  const answerWithRequestCard = async (turn: ActionTurn, r: ProvisioningRequest, card: AdaptiveCardJson) => {
    if (turn.invoke && turn.address.kind === 'personal' && turn.action.messageId !== undefined && turn.action.messageId === r.cardActivityId) {
      deps.cardShown?.(r, card);
    }
    await turn.answerWithCard(card);
  };
  const built = features.map((f) =>
    f.create({ service: deps.service, logger: deps.logger, commands, guard, card: deps.card, answerWithRequestCard, portalUrl: deps.portalUrl }),
  );
  const problems = registryProblems(features, built);
  if (problems.length) throw new RegistryError(problems);
  const guarded =
    <T extends Turn>(permission: Permission, h: (turn: T) => Promise<void>) =>
    async (turn: T) => {
      if (await guard.check(turn, permission)) await h(turn);
    };
  const commandHandlers = new Map(features.flatMap((f, i) => f.commands.map((c) => [c.name, guarded(c.permission, built[i].commands[c.name])] as const)));
  const actionHandlers = new Map(features.flatMap((f, i) => f.verbs.map((v) => [v.verb, guarded(v.permission, built[i].verbs[v.verb])] as const)));
  return {
    commands,
    verbs: features.flatMap((f) => f.verbs),
    findCommand: (word) => findCommand(word, commands),
    suggest: (word) => suggestCommand(word, commands),
    commandHandler: (name) => commandHandlers.get(name)!,
    actionHandler: (verb) => actionHandlers.get(verb),
    onBotAdded: built.flatMap((h) => (h.onBotAdded ? [h.onBotAdded] : [])),
  };
}

/** The scopes the bot is installed in (manifest/manifest.json), one manifest command list each. */
export const MANIFEST_COMMAND_SCOPES = ['personal', 'team', 'groupChat'] as const;

/**
 * Teams allows at most 10 commands per command list (its documented limit; the v1.30 schema itself
 * accepts 12). With more declared commands the manifest lists the first 10 in registry (= help)
 * order; the others still work when typed, they are just not in the menu.
 */
export const MAX_MANIFEST_COMMANDS = 10;

export interface ManifestCommandList {
  scopes: [(typeof MANIFEST_COMMAND_SCOPES)[number]];
  commands: { title: string; description: string }[];
}

/**
 * The Teams manifest's `bots[0].commandLists`: one list per scope (personal, team, groupChat), each
 * the declared commands in registry order, title = command name, description = its summary; at
 * most MAX_MANIFEST_COMMANDS of them (the first ones).
 */
export function manifestCommandLists(features: readonly Feature[]): ManifestCommandList[] {
  const commands = declaredCommands(features)
    .slice(0, MAX_MANIFEST_COMMANDS)
    .map((c) => ({ title: c.name, description: c.summary }));
  return MANIFEST_COMMAND_SCOPES.map((scope) => ({ scopes: [scope], commands: commands.map((c) => ({ ...c })) }));
}
