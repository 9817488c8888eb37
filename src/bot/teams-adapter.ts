import { envelopeProblem } from './activity-envelope';
import { AsyncLocalStorage } from 'node:async_hooks';
import type restify from 'restify';
import {
  Activity,
  CardFactory,
  ConfigurationBotFrameworkAuthentication,
  ConversationReference,
  INVOKE_RESPONSE_KEY,
  InvokeResponse,
  MessageFactory,
  TurnContext,
} from 'botbuilder';
import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { AdaptiveCardJson } from '../cards/render';
import { conversationKind, type ConversationAddress } from '../provisioning/conversation-address';
import { parseCommand, type ParsedCommand } from './commands';
import { connectorRetryAfterMs, describeConnectorError, MAX_CONNECTOR_RETRY_AFTER_MS } from './connector-errors';
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

/*
 * Retry-After from the Bot Connector. botbuilder's HTTP pipeline (core-rest-pipeline's default retry
 * policy) obeys a Retry-After on 429 and 503 for every connector call, replies in a turn and
 * proactive sends alike, for as long as it says, three times over: an answer of `Retry-After: 3600`
 * would hold a turn or the card updater for three hours. A policy inside that retry loop refuses to
 * let it wait longer than MAX_CONNECTOR_RETRY_AFTER_MS: the call fails at once (logged), with the
 * status and headers the connector sent, so the card updater gives up on that send too (its own
 * retries use the same cap) and the next change goes out as usual. Shorter waits are left to botbuilder.
 */

/** The parts of a core-rest-pipeline response this file reads (that package is botbuilder's, not ours). */
interface WireResponse {
  status: number;
  headers: { get(name: string): string | undefined };
  bodyAsText?: string | null;
  request?: { method?: string };
}
interface WirePolicy {
  name: string;
  sendRequest(request: unknown, next: (request: unknown) => Promise<WireResponse>): Promise<WireResponse>;
}
interface WirePipeline {
  addPolicy(policy: WirePolicy, options: { afterPhase: 'Retry' }): void;
  getOrderedPolicies(): { name: string }[];
}

const CAP_POLICY = 'umpBotCapRetryAfter';

/**
 * A connector answer whose Retry-After is above the cap. Not a RestError, so botbuilder's retry
 * policy hands it up without waiting; shaped like one (`statusCode`, `response`) for describeConnectorError.
 */
export class RetryAfterAboveCap extends Error {
  readonly statusCode: number;
  /** Non-enumerable, as in a RestError: it holds the request, whose headers carry the bot's token; a logged error must not. */
  declare readonly response: WireResponse;
  readonly retryAfterMs: number;
  constructor(response: WireResponse, retryAfterMs: number) {
    super(
      `the Bot Connector answered ${response.status} asking to wait ${Math.round(retryAfterMs / 1000)} s (Retry-After); more than the ${MAX_CONNECTOR_RETRY_AFTER_MS / 1000} s we wait`,
    );
    this.name = 'RetryAfterAboveCap';
    this.statusCode = response.status;
    Object.defineProperty(this, 'response', { value: response, enumerable: false });
    this.retryAfterMs = retryAfterMs;
  }
}

/** The policy itself; exported for its unit test. */
export function capRetryAfterPolicy(logger: Logger): WirePolicy {
  return {
    name: CAP_POLICY,
    async sendRequest(request, next) {
      const res = await next(request);
      // botbuilder's throttling strategy only reads Retry-After on these two.
      if (res.status !== 429 && res.status !== 503) return res;
      const wait = connectorRetryAfterMs((name) => res.headers.get(name));
      if (wait === undefined || wait <= MAX_CONNECTOR_RETRY_AFTER_MS) return res;
      logger.warn(
        { status: res.status, retryAfterMs: wait, maxRetryAfterMs: MAX_CONNECTOR_RETRY_AFTER_MS, method: res.request?.method },
        'Bot Connector asked to wait longer than we wait; not retrying this send (later sends still go out)',
      );
      throw new RetryAfterAboveCap(res, wait);
    },
  };
}

/** Puts the cap into a ConnectorClient's pipeline, inside botbuilder's retry loop (idempotent). */
function capConnectorClient(client: unknown, logger: Logger): void {
  const pipeline = (client as { client?: { pipeline?: Partial<WirePipeline> } } | undefined)?.client?.pipeline;
  if (typeof pipeline?.addPolicy !== 'function' || typeof pipeline.getOrderedPolicies !== 'function') {
    logger.warn('cannot cap Retry-After waits of this botbuilder version: its connector client has no pipeline where expected');
    return;
  }
  if (pipeline.getOrderedPolicies().some((p) => p.name === CAP_POLICY)) return;
  pipeline.addPolicy(capRetryAfterPolicy(logger), { afterPhase: 'Retry' });
}

/*
 * botbuilder's console. CloudAdapter.process prints every failure of a request with console.error,
 * stack trace and all, outside the structured log (every unsigned request to a bot with an app id is
 * one), and its JWT validation prints some token problems the same way. The adapter below answers
 * those failures itself, logged once at warn; whatever the SDK still prints while it works for us
 * goes to the structured log at warn, as one line without a stack.
 */

const sdkConsole = new AsyncLocalStorage<Logger>();
/** Our replacements of console.error/warn, to tell whether someone replaced them since (a test spy, another tool). */
const routedConsole = new WeakSet<object>();

function describeConsoleArg(a: unknown): string {
  if (a instanceof Error) return `${a.name}: ${a.message}`;
  if (typeof a === 'string') return a;
  try {
    return JSON.stringify(a) ?? String(a);
  } catch {
    return String(a);
  }
}

/**
 * Runs `fn` with the SDK's console.error and console.warn going to `log` (warn, first 500
 * characters, no stack). Only calls made within `fn` (its async continuations included) are routed;
 * any other call goes to whatever console.error/warn was before.
 */
export function withSdkConsole<T>(log: Logger, fn: () => Promise<T>): Promise<T> {
  for (const level of ['error', 'warn'] as const) {
    // eslint-disable-next-line no-console -- the one place that intercepts the SDK's console
    const current = console[level];
    if (routedConsole.has(current)) continue;
    const routed = function (this: Console, ...args: unknown[]) {
      const to = sdkConsole.getStore();
      if (!to) return current.apply(this, args);
      to.warn({ sdk: args.map(describeConsoleArg).join(' ').slice(0, 500), consoleLevel: level }, 'the Bot Framework SDK reported a problem');
    };
    routedConsole.add(routed);
    // eslint-disable-next-line no-console -- as above
    console[level] = routed;
  }
  return sdkConsole.run(log, fn);
}

/** What authenticating a request throws: botbuilder's AuthenticationError, or jsonwebtoken's errors it lets through. */
const AUTH_FAILURES = new Set(['AuthenticationError', 'JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);
const isAuthFailure = (err: unknown) => err instanceof Error && (AUTH_FAILURES.has(err.name) || AUTH_FAILURES.has(err.constructor?.name ?? ''));

/** botframework-connector's ConnectorClient, named through botbuilder (which depends on that package; we do not). */
type ConnectorClient = Awaited<ReturnType<ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>['create']>>;
type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;
type AdapterSettings = ConstructorParameters<typeof TeamsAdapter>[0];

/** TeamsAdapter with the two corrections above: connector waits capped, failures in the structured log. */
class EdgeAdapter extends TeamsAdapter {
  constructor(
    settings: AdapterSettings,
    private readonly log: Logger,
  ) {
    super(settings);
    // Every connector client the adapter makes comes from one of these factories: those of incoming
    // requests (replies in a turn) and those of proactive sends (the card updater, notices).
    const auth = this.botFrameworkAuthentication;
    const capFactory = <F extends { create(serviceUrl: string, audience?: string): Promise<unknown> } | undefined>(factory: F): F => {
      if (!factory) return factory;
      const create = factory.create.bind(factory);
      factory.create = async (serviceUrl: string, audience?: string) => {
        const client = await create(serviceUrl, audience);
        capConnectorClient(client, log);
        return client;
      };
      return factory;
    };
    const createConnectorFactory = auth.createConnectorFactory.bind(auth);
    auth.createConnectorFactory = (claims) => capFactory(createConnectorFactory(claims));
    const authenticateRequest = auth.authenticateRequest.bind(auth);
    auth.authenticateRequest = async (activity, header) => {
      const result = await authenticateRequest(activity, header);
      capFactory(result?.connectorFactory);
      return result;
    };
    const authenticateStreamingRequest = auth.authenticateStreamingRequest.bind(auth);
    auth.authenticateStreamingRequest = async (header, channelId) => {
      const result = await authenticateStreamingRequest(header, channelId);
      capFactory(result?.connectorFactory);
      return result;
    };
  }

  private readonly proactiveClients = new Map<string, Promise<ConnectorClient>>();

  /**
   * The connector client for proactive sends to `serviceUrl`, made once and kept (as botbuilder's
   * BotFrameworkAdapter kept them): continueConversationAsync builds a new client, a user token
   * client and a turn context for every send, 1.9 ms of CPU per card edit against 0.8 ms this way.
   * It comes from the adapter's own factory, so the Retry-After cap is in its pipeline.
   */
  connectorFor(serviceUrl: string, appId: string): Promise<ConnectorClient> {
    const kept = this.proactiveClients.get(serviceUrl);
    if (kept) return kept;
    const made = this.botFrameworkAuthentication.createConnectorFactory(this.createClaimsIdentity(appId)).create(serviceUrl, undefined);
    made.catch(() => this.proactiveClients.delete(serviceUrl));
    this.proactiveClients.set(serviceUrl, made);
    // Bounded: a bot talks to a handful of regional connectors; anything beyond is evicted oldest first.
    if (this.proactiveClients.size > 100) this.proactiveClients.delete(this.proactiveClients.keys().next().value!);
    return made;
  }

  /**
   * CloudAdapter.process answers what this throws with 401 (an AuthenticationError) or 500, after a
   * console.error with the stack. The same answer, but logged here once at warn, without the stack,
   * and never thrown. Failures inside a turn do not come here: they go to the error funnel.
   */
  protected override async processActivity(
    authHeaderOrResult: string | AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    try {
      return await super.processActivity(authHeaderOrResult as string, activity, logic);
    } catch (err) {
      const unauthenticated = isAuthFailure(err);
      const e = err as { name?: unknown; message?: unknown } | undefined;
      const message = typeof e?.message === 'string' ? e.message.slice(0, 300) : String(err).slice(0, 300);
      // Not under `err`: pino's error serializer would add a (here empty) stack.
      const at = { activityType: activity?.type, channelId: activity?.channelId, reason: { name: e?.name, message } };
      if (unauthenticated) {
        this.log.warn({ ...at, status: 401 }, 'refused a request to /api/messages that failed authentication');
        return { status: 401, body: message };
      }
      this.log.warn({ ...at, status: 500 }, 'a request to /api/messages failed outside the turn');
      return { status: 500, body: 'Internal Server Error' };
    }
  }
}

export function createTeamsEdge(deps: { config: Config; logger: Logger; gate: TurnGate }): TeamsEdge {
  const { config, logger, gate } = deps;
  const b = config.bot;
  const adapter = b.anonymous
    ? new EdgeAdapter({}, logger)
    : new EdgeAdapter(
        { MicrosoftAppId: b.appId, MicrosoftAppPassword: b.appPassword, MicrosoftAppType: b.appType, MicrosoftAppTenantId: b.appTenantId },
        logger,
      );
  // The adapter and the bot id go in: app.error only works with the adapter passed in, and proactive
  // sends need both. The typing timer is shared by concurrent turns and races.
  const app = new Application<TurnState>({ adapter, botAppId: b.appId, startTypingTimer: false, removeRecipientMention: true, longRunningMessages: false });
  const funnel = createErrorFunnel(logger);
  app.error((ctx, err) => funnel(turnOf(ctx, logger), err));

  /**
   * Sends into a stored conversation with the kept connector client (EdgeAdapter.connectorFor): the
   * activity gets the conversation's reference as a turn context would give it, and a failure comes
   * back as a DeliveryError saying what the connector answered.
   */
  async function inConversation<T>(
    to: ConversationAddress,
    activity: Partial<Activity>,
    send: (client: ConnectorClient, outgoing: Partial<Activity>) => Promise<T>,
  ): Promise<T> {
    if (b.anonymous && !isLoopbackUrl(to.serviceUrl)) {
      throw new DeliveryError('anonymous mode only sends to a Bot Connector on this machine', { status: 403, code: 'NonLoopbackServiceUrl' });
    }
    const outgoing = TurnContext.applyConversationReference({ ...activity }, referenceOf(to));
    try {
      return await withSdkConsole(logger, async () => send(await adapter.connectorFor(to.serviceUrl, b.appId), outgoing));
    } catch (err) {
      throw new DeliveryError((err as Error)?.message ?? 'connector failure', describeConnectorError(err ?? new Error('unknown connector failure')));
    }
  }
  const sendNew = (to: ConversationAddress, activity: Partial<Activity>) =>
    inConversation(to, activity, async (client, a) => (await client.conversations.sendToConversation(to.conversationId, a)).id);

  return {
    async process(req, res) {
      // Without authentication the caller names where replies go: only ever a connector on this machine.
      const serviceUrl = (req.body as { serviceUrl?: unknown } | undefined)?.serviceUrl;
      if (b.anonymous && typeof serviceUrl === 'string' && !isLoopbackUrl(serviceUrl)) {
        logger.warn({ serviceUrl: serviceUrl.slice(0, 200) }, 'anonymous mode: refused an activity whose serviceUrl is not on this machine');
        res.send(403, { error: 'This bot runs in local anonymous mode and only answers a Bot Connector on this machine.' });
        return;
      }
      // botbuilder would console.warn this and answer 400; the same answer, in the structured log.
      const type = (req.body as { type?: unknown } | undefined)?.type;
      if (req.method === 'POST' && req.body && typeof req.body === 'object' && (typeof type !== 'string' || type === '')) {
        logger.warn('refused a request to /api/messages without an activity type');
        res.send(400, { error: 'The activity has no type.' });
        return;
      }
      // Only what Teams could send reaches the SDK: anything else is a bad request, not a crashed turn.
      const problem = req.method === 'POST' ? envelopeProblem(req.body) : undefined;
      if (problem) {
        logger.warn({ problem: problem.slice(0, 200) }, 'refused a malformed activity');
        res.send(400, { error: 'The activity is malformed.' });
        return;
      }
      await withSdkConsole(logger, () =>
        adapter.process(req, res, async (ctx) => {
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
          // An invoke nothing handled (another app's, or a name Teams never sends us) gets a plain
          // refusal instead of botbuilder's 501.
          if (a.type === 'invoke' && !ctx.turnState.get(INVOKE_RESPONSE_KEY)) {
            log.info({ name: String(a.name).slice(0, 100) }, 'invoke nobody handles');
            await ctx.sendActivity(invokeError(400, 'This bot does not handle that request.'));
          }
        }),
      );
    },

    messenger: {
      post: (to, card) => sendNew(to, cardActivity(card)),
      update: async (to, messageId, card) => {
        await inConversation(to, { ...cardActivity(card), id: messageId }, (client, a) => client.conversations.updateActivity(to.conversationId, messageId, a));
      },
      say: (to, message) => {
        const m = message.mention;
        return sendNew(to, {
          type: 'message',
          text: message.text,
          textFormat: 'markdown',
          ...(m ? { entities: [{ type: 'mention', text: `<at>${m.name}</at>`, mentioned: { id: m.userId, name: m.name } }] } : {}),
        });
      },
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
