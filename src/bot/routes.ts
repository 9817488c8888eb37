import { TurnContext } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import { findCommand, parseCommand } from './commands';

type Handler = (context: TurnContext) => Promise<void>;

export interface RouteHandlers {
  help: Handler;
  welcome: Handler;
  fallback: Handler;
  /** Command name → handler, for commands beyond help. */
  commands: Record<string, Handler>;
  /** Card verbs (Action.Execute invokes and their Action.Submit fallbacks share one handler). */
  cardActions: Record<string, Handler>;
}

const isCommand = (name: string) => async (context: TurnContext) => {
  if (context.activity.type !== 'message') return false;
  const parsed = parseCommand(context.activity.text);
  return !!parsed && findCommand(parsed.word)?.name === name;
};

const isSubmitVerb = (verb: string) => async (context: TurnContext) => {
  const a = context.activity;
  return a.type === 'message' && !!a.value && typeof a.value === 'object' && (a.value as { verb?: unknown }).verb === verb;
};

const isExecuteVerb = (verb: string) => async (context: TurnContext) => {
  const a = context.activity;
  return a.type === 'invoke' && a.name === 'adaptiveCard/action' && a.value?.action?.type === 'Action.Execute' && a.value?.action?.verb === verb;
};

/**
 * THE ordered route list. First match wins, so card actions come before text commands
 * (a messageBack carries both) and the fallback is last. A new feature adds a line here.
 */
export function registerRoutes(app: Application<TurnState>, h: RouteHandlers): void {
  for (const [verb, handler] of Object.entries(h.cardActions)) {
    app.addRoute(isExecuteVerb(verb), handler, true);
    app.addRoute(isSubmitVerb(verb), handler);
  }
  // An Action.Execute with a verb nobody handles (an old card after an upgrade) still gets an answer.
  app.addRoute(async (c) => c.activity.type === 'invoke' && c.activity.name === 'adaptiveCard/action', h.fallback, true);
  app.conversationUpdate('membersAdded', h.welcome);
  app.addRoute(isCommand('help'), h.help);
  for (const [name, handler] of Object.entries(h.commands)) app.addRoute(isCommand(name), handler);
  app.message(async (context) => context.activity.type === 'message', h.fallback);
}
