import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import { Config } from '../config';
import { Logger } from '../logger';
import { createErrorFunnel } from './error-funnel';
import { createFallbackHandler } from './handlers/fallback';
import { createHelpHandler } from './handlers/help';
import { createWelcomeHandler } from './handlers/welcome';
import { RouteHandlers, registerRoutes } from './routes';

export interface BotApp {
  adapter: TeamsAdapter;
  app: Application<TurnState>;
}

export function createAdapter(config: Config): TeamsAdapter {
  if (config.bot.anonymous) return new TeamsAdapter({});
  return new TeamsAdapter({
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.appPassword,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.appTenantId,
  });
}

export interface BotAppDeps {
  config: Config;
  logger: Logger;
  adapter: TeamsAdapter;
  /** Feature handlers beyond the built-in help/welcome/fallback. */
  commands?: RouteHandlers['commands'];
  cardActions?: RouteHandlers['cardActions'];
}

/** Wires the teams-ai Application per docs/teams-platform.md; all routes live in routes.ts. */
export function createBotApp(deps: BotAppDeps): BotApp {
  const app = new Application<TurnState>({
    adapter: deps.adapter,
    botAppId: deps.config.bot.appId,
    startTypingTimer: false,
    removeRecipientMention: true,
    longRunningMessages: false,
  });
  app.error(createErrorFunnel(deps.logger));
  registerRoutes(app, {
    help: createHelpHandler(),
    welcome: createWelcomeHandler(),
    fallback: createFallbackHandler(),
    commands: deps.commands ?? {},
    cardActions: deps.cardActions ?? {},
  });
  return { adapter: deps.adapter, app };
}
