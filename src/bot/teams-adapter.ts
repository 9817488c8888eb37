import type restify from 'restify';
import { Activity, CardFactory, ConversationReference, INVOKE_RESPONSE_KEY, MessageFactory, TurnContext } from 'botbuilder';
import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { AdaptiveCardJson } from '../cards/render';
import { conversationKind, type ConversationAddress } from '../provisioning/conversation-address';
import { parseCommand, type ParsedCommand } from './commands';
import { describeConnectorError } from './connector-errors';
import { createErrorFunnel } from './error-funnel';
import { createFallback } from './fallback';
import { DeliveryError, type Messenger } from './messenger';
import type { Registry } from './registry';
import type { ActionTurn, CommandHandler, Turn } from './turn';
import type { TurnGate, TurnKind } from './turn-gate';
import { isLoopbackUrl } from './loopback';

/**
 * The Teams edge: the only module that knows botbuilder and teams-ai (docs/teams-platform.md).
 * It turns HTTP requests into turns for the features, registers the registry's routes with the
 * teams-ai Application in their one order, and sends proactive card edits for the card updater.
 * Replacing the SDK means rewriting this file.
 */

const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
const ERROR_CONTENT_TYPE = 'application/vnd.microsoft.error';
const LOG_KEY = Symbol('turnLogger');
const COMMAND_KEY = Symbol('command');

export interface TeamsEdge {
  /** POST /api/messages: authenticates (unless anonymous), then runs the turn. */
  process(req: restify.Request, res: restify.Response): Promise<void>;
  /** Proactive posts and edits (the card updater). */
  messenger: Messenger;
  /** Registers every route of the registry, in the one order (call once). */
  route(registry: Registry): void;
}

function cardActivity(card: AdaptiveCardJson): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}

/** Where a turn happens, in the project's own terms (and what a request stores). */
function addressOf(a: Activity): ConversationAddress {
  const tenantId = tenantOf(a);
  return {
    v: 1,
    channelId: a.channelId ?? 'msteams',
    serviceUrl: a.serviceUrl ?? '',
    conversationId: a.conversation?.id ?? '',
    kind: conversationKind(a.conversation?.conversationType),
    ...(tenantId ? { tenantId } : {}),
    botId: a.recipient?.id ?? '',
    ...(a.recipient?.name ? { botName: a.recipient.name } : {}),
  };
}

function referenceOf(to: ConversationAddress): Partial<ConversationReference> {
  return {
    channelId: to.channelId,
    serviceUrl: to.serviceUrl,
    conversation: { id: to.conversationId, conversationType: to.kind, tenantId: to.tenantId, isGroup: to.kind !== 'personal', name: '' },
    bot: { id: to.botId, name: to.botName ?? '' },
  };
}

function invokeError(statusCode: 400 | 500, message: string): Partial<Activity> {
  return {
    type: 'invokeResponse',
    value: { status: 200, body: { statusCode, type: ERROR_CONTENT_TYPE, value: { code: statusCode === 400 ? 'BadRequest' : 'InternalError', message } } },
  };
}

/** What the gate counts: a person's message or click, a card refreshing itself, or an event. */
function kindOf(a: Activity): TurnKind {
  if (a.type === 'message') return 'command';
  if (a.type === 'invoke') return (a.value as { trigger?: unknown } | undefined)?.trigger === 'automatic' ? 'refresh' : 'command';
  return 'event';
}

/** The tenant the activity comes from: Teams puts it in both places; when they disagree, trust neither. */
function tenantOf(a: Activity): string | undefined {
  const fromData = (a.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  const fromConversation = a.conversation?.tenantId;
  const ids = [fromData, fromConversation].filter((t): t is string => typeof t === 'string' && t !== '');
  if (ids.length === 2 && ids[0].toLowerCase() !== ids[1].toLowerCase()) return undefined;
  return ids[0];
}

function turnOf(ctx: TurnContext, fallbackLogger: Logger): Turn {
  const a = ctx.activity;
  const from = a.from ?? { id: 'unknown', name: 'unknown' };
  const address = addressOf(a);
  const invoke = a.type === 'invoke';
  return {
    // The Entra object id when Teams provides it, the channel account id otherwise.
    actor: { id: from.aadObjectId ?? from.id, name: from.name ?? from.id, aadObjectId: from.aadObjectId, userId: from.id },
    address,
    botName: a.recipient?.name ?? 'bot',
    activityId: a.id,
    invoke,
    log: (ctx.turnState.get(LOG_KEY) as Logger | undefined) ?? fallbackLogger,
    async send(message) {
      const res = await ctx.sendActivity(typeof message === 'string' ? message : cardActivity(message));
      return res?.id;
    },
    async answerWithError(status, message) {
      // We answer invokes ourselves, never by returning a card to teams-ai (its `refresh` trap).
      await ctx.sendActivity(invoke ? invokeError(status, message) : message);
    },
    invokeAnswered: () => !!ctx.turnState.get(INVOKE_RESPONSE_KEY),
  };
}

/** Card data arrives as `value.action.data` (Action.Execute) or `value` (Action.Submit); the verb is not a value. */
function cardData(a: Activity): Record<string, unknown> {
  const v = a.value as { action?: { data?: unknown } } | Record<string, unknown> | undefined;
  const data = a.type === 'invoke' ? (v as { action?: { data?: unknown } })?.action?.data : v;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return {};
  const { verb: _verb, ...values } = data as Record<string, unknown>;
  return values;
}

function actionTurnOf(ctx: TurnContext, logger: Logger, verb: string, via: 'execute' | 'submit'): ActionTurn {
  const a = ctx.activity;
  return {
    ...turnOf(ctx, logger),
    action: { verb, data: cardData(a), messageId: a.replyToId, via },
    async answerWithCard(card) {
      if (via === 'execute') {
        await ctx.sendActivity({ type: 'invokeResponse', value: { status: 200, body: { statusCode: 200, type: CARD_CONTENT_TYPE, value: card } } });
      } else if (a.replyToId) {
        await ctx.updateActivity({ ...cardActivity(card), id: a.replyToId });
      } else {
        await ctx.sendActivity(cardActivity(card));
      }
    },
  };
}

const isSubmitVerb = (verb: string) => async (ctx: TurnContext) => {
  const a = ctx.activity;
  return a.type === 'message' && !!a.value && typeof a.value === 'object' && (a.value as { verb?: unknown }).verb === verb;
};

const isExecuteVerb = (verb: string) => async (ctx: TurnContext) => {
  const a = ctx.activity;
  return a.type === 'invoke' && a.name === 'adaptiveCard/action' && a.value?.action?.type === 'Action.Execute' && a.value?.action?.verb === verb;
};

export function createTeamsEdge(deps: { config: Config; logger: Logger; gate: TurnGate }): TeamsEdge {
  const { config, logger, gate } = deps;
  const b = config.bot;
  const adapter = b.anonymous
    ? new TeamsAdapter({})
    : new TeamsAdapter({ MicrosoftAppId: b.appId, MicrosoftAppPassword: b.appPassword, MicrosoftAppType: b.appType, MicrosoftAppTenantId: b.appTenantId });
  // The adapter and the bot id go in: app.error only works with the adapter passed in, and proactive
  // sends need both. The typing timer is shared by concurrent turns and races.
  const app = new Application<TurnState>({ adapter, botAppId: b.appId, startTypingTimer: false, removeRecipientMention: true, longRunningMessages: false });
  const funnel = createErrorFunnel(logger);
  app.error((ctx, err) => funnel(turnOf(ctx, logger), err));

  /**
   * Runs `fn` in the stored conversation. Errors are carried out by hand: thrown inside the callback
   * they would reach the adapter's onTurnError (the chat error funnel) and never come back here.
   */
  async function inConversation<T>(to: ConversationAddress, fn: (ctx: TurnContext) => Promise<T>): Promise<T> {
    if (b.anonymous && !isLoopbackUrl(to.serviceUrl)) {
      throw new DeliveryError('anonymous mode only sends to a Bot Connector on this machine', { status: 403, code: 'NonLoopbackServiceUrl' });
    }
    let failure: unknown;
    let result: T | undefined;
    await adapter.continueConversationAsync(b.appId, referenceOf(to), async (ctx) => {
      try {
        result = await fn(ctx);
      } catch (err) {
        failure = err ?? new Error('unknown connector failure');
      }
    });
    if (failure) throw new DeliveryError((failure as Error)?.message ?? 'connector failure', describeConnectorError(failure));
    return result as T;
  }

  return {
    async process(req, res) {
      // Without authentication the caller names where replies go: only ever a connector on this machine.
      const serviceUrl = (req.body as { serviceUrl?: unknown } | undefined)?.serviceUrl;
      if (b.anonymous && typeof serviceUrl === 'string' && !isLoopbackUrl(serviceUrl)) {
        logger.warn({ serviceUrl: serviceUrl.slice(0, 200) }, 'anonymous mode: refused an activity whose serviceUrl is not on this machine');
        res.send(403, { error: 'This bot runs in local anonymous mode and only answers a Bot Connector on this machine.' });
        return;
      }
      await adapter.process(req, res, async (ctx) => {
        const a = ctx.activity;
        const log = logger.child({ activityId: a.id, conversationId: a.conversation?.id, activityType: a.type });
        ctx.turnState.set(LOG_KEY, log);
        log.debug({ text: a.text ? '[text]' : undefined, name: a.name }, 'turn');
        const turn = turnOf(ctx, log);
        try {
          if (!(await gate(turn, kindOf(a)))) return;
        } catch (err) {
          return funnel(turn, err);
        }
        await app.run(ctx);
      });
    },

    messenger: {
      post: (to, card) => inConversation(to, async (ctx) => (await ctx.sendActivity(cardActivity(card)))?.id),
      update: (to, messageId, card) =>
        inConversation(to, async (ctx) => {
          await ctx.updateActivity({ ...cardActivity(card), id: messageId });
        }),
      say: (to, message) =>
        inConversation(to, async (ctx) => {
          const m = message.mention;
          const activity: Partial<Activity> = {
            type: 'message',
            text: message.text,
            textFormat: 'markdown',
            ...(m ? { entities: [{ type: 'mention', text: `<at>${m.name}</at>`, mentioned: { id: m.userId, name: m.name } }] } : {}),
          };
          return (await ctx.sendActivity(activity))?.id;
        }),
    },

    /**
     * THE ordered route list. First match wins, so card actions come before text commands (a
     * messageBack carries both) and the fallback is last. Command words are anchored: only the
     * first word counts, so "can you help me" is not `help`.
     */
    route(registry) {
      const fallback = createFallback(registry);
      for (const { verb } of registry.verbs) {
        const handler = registry.actionHandler(verb)!;
        app.addRoute(isExecuteVerb(verb), (ctx) => handler(actionTurnOf(ctx, logger, verb, 'execute')), true);
        app.addRoute(isSubmitVerb(verb), (ctx) => handler(actionTurnOf(ctx, logger, verb, 'submit')));
      }
      // An Action.Execute with a verb nobody handles (an old card after an upgrade) still gets an answer.
      app.addRoute(
        async (ctx) => ctx.activity.type === 'invoke' && ctx.activity.name === 'adaptiveCard/action',
        (ctx) => fallback(turnOf(ctx, logger), undefined, true),
        true,
      );
      app.conversationUpdate('membersAdded', async (ctx) => {
        const botId = ctx.activity.recipient?.id;
        if (!botId || !(ctx.activity.membersAdded ?? []).some((m) => m.id === botId)) return;
        for (const h of registry.onBotAdded) await h(turnOf(ctx, logger));
      });
      // Command words are resolved once per turn (the selector and the handler share it).
      const commandOf = (ctx: TurnContext) => {
        if (!ctx.turnState.has(COMMAND_KEY)) {
          const parsed = ctx.activity.type === 'message' ? parseCommand(ctx.activity.text) : undefined;
          const spec = parsed && registry.findCommand(parsed.word);
          ctx.turnState.set(COMMAND_KEY, spec ? { parsed, handler: registry.commandHandler(spec.name) } : undefined);
        }
        return ctx.turnState.get(COMMAND_KEY) as { parsed: ParsedCommand; handler: CommandHandler } | undefined;
      };
      app.addRoute(
        async (ctx) => !!commandOf(ctx),
        async (ctx) => {
          const { parsed, handler } = commandOf(ctx)!;
          await handler({ ...turnOf(ctx, logger), command: parsed });
        },
      );
      app.message(
        async (ctx) => ctx.activity.type === 'message',
        (ctx) => fallback(turnOf(ctx, logger), ctx.activity.text, ctx.activity.value !== undefined && ctx.activity.value !== null),
      );
    },
  };
}
