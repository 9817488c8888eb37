import { ConversationReference, TurnContext } from 'botbuilder';
import type { CloudAdapter } from 'botbuilder';
import type { Logger } from '../logger';
import type { ProvisioningRequest } from '../provisioning/request';
import type { AdaptiveCardJson } from '../cards/render';
import { cardActivity } from './reply';
import { botRemoved, describeConnectorError, isGone, retryBudget } from './connector-errors';

export interface CardUpdaterDeps {
  adapter: Pick<CloudAdapter, 'continueConversationAsync'>;
  botAppId: string;
  logger: Logger;
  render(req: ProvisioningRequest): AdaptiveCardJson;
  /** Minimum gap between two edits in one conversation (Teams allows ~2/s sustained). */
  minIntervalMs: number;
  /** The card was re-posted as a new message: remember its id for later edits. */
  onMoved(requestId: string, activityId: string): Promise<void>;
  maxAttempts?: number;
  baseBackoffMs?: number;
}

export interface CardUpdater {
  /** Schedules the card of this request to show its latest state; coalesces bursts. Never throws. */
  notify(req: ProvisioningRequest): void;
  /** Resolves when nothing is pending or being sent (tests, shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

interface Entry {
  latest: ProvisioningRequest;
  sentJson?: string;
  activityId?: string;
  busy: boolean;
  timer?: NodeJS.Timeout;
  dead?: boolean;
}

/**
 * Keeps each request's card in step with the store: one edit per real change, spaced per
 * conversation, retried on Teams' transient answers, re-posted when the message is gone.
 */
export function createCardUpdater(deps: CardUpdaterDeps): CardUpdater {
  const entries = new Map<string, Entry>();
  const nextSlot = new Map<string, number>();
  const idleWaiters: (() => void)[] = [];
  const maxAttempts = deps.maxAttempts ?? 6;
  const base = deps.baseBackoffMs ?? 500;
  let stopped = false;

  const pending = () => [...entries.values()].some((e) => e.busy || e.timer);
  const checkIdle = () => {
    if (!pending()) idleWaiters.splice(0).forEach((r) => r());
  };
  const convId = (r: ProvisioningRequest) => (r.conversation as ConversationReference | undefined)?.conversation?.id ?? '';

  function schedule(e: Entry) {
    if (e.busy || e.timer || stopped || e.dead) return;
    const wait = Math.max(0, (nextSlot.get(convId(e.latest)) ?? 0) - Date.now());
    e.timer = setTimeout(() => {
      e.timer = undefined;
      void send(e);
    }, wait);
  }

  /**
   * Runs `fn` in the conversation. Errors are carried out by hand: thrown inside the callback they
   * would reach the adapter's onTurnError (the chat error funnel) and never come back here.
   */
  async function inConversation(ref: Partial<ConversationReference>, fn: (ctx: TurnContext) => Promise<void>): Promise<void> {
    let failure: unknown;
    await deps.adapter.continueConversationAsync(deps.botAppId, ref, async (ctx: TurnContext) => {
      try {
        await fn(ctx);
      } catch (err) {
        failure = err ?? new Error('unknown connector failure');
      }
    });
    if (failure) throw failure;
  }

  async function withRetry<T>(what: string, fn: () => Promise<T>, req: ProvisioningRequest): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const f = describeConnectorError(err);
        if (attempt >= retryBudget(f, maxAttempts) || stopped) throw err;
        const backoff = f.retryAfterMs ?? Math.min(30_000, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
        deps.logger.warn({ requestId: req.id, status: f.status, code: f.code, attempt, backoffMs: Math.round(backoff) }, `${what}: connector busy, retrying`);
        await new Promise((r) => setTimeout(r, backoff));
      }
    }
  }

  async function send(e: Entry) {
    e.busy = true;
    const req = e.latest;
    const ref = req.conversation as Partial<ConversationReference>;
    try {
      const card = deps.render(req);
      const json = JSON.stringify(card);
      if (json === e.sentJson) return;
      const activityId = e.activityId ?? req.cardActivityId;
      nextSlot.set(convId(req), Date.now() + deps.minIntervalMs);
      if (activityId) {
        try {
          await withRetry(
            'edit card',
            () =>
              inConversation(ref, async (ctx) => {
                await ctx.updateActivity({ ...cardActivity(card), id: activityId });
              }),
            req,
          );
          e.sentJson = json;
          return;
        } catch (err) {
          const f = describeConnectorError(err);
          if (!isGone(f)) throw err;
          deps.logger.warn({ requestId: req.id, status: f.status, code: f.code }, 'card can no longer be edited; posting it again');
        }
      }
      let newId: string | undefined;
      await withRetry(
        'post card',
        () =>
          inConversation(ref, async (ctx) => {
            newId = (await ctx.sendActivity(cardActivity(card)))?.id;
          }),
        req,
      );
      e.sentJson = json;
      if (newId) {
        e.activityId = newId;
        await deps.onMoved(req.id, newId);
      }
    } catch (err) {
      const f = describeConnectorError(err);
      if (botRemoved(f)) {
        e.dead = true;
        deps.logger.warn(
          { requestId: req.id, status: f.status, code: f.code },
          'bot is no longer in the conversation; the card will not be updated (the request itself goes on)',
        );
      } else {
        deps.logger.error({ requestId: req.id, status: f.status, code: f.code, err: { message: (err as Error)?.message } }, 'card update failed');
      }
    } finally {
      e.busy = false;
      if (e.latest !== req) schedule(e);
      else if (e.dead || req.state === 'deployed' || req.state === 'failed') entries.delete(req.id);
      checkIdle();
    }
  }

  return {
    notify(req) {
      if (stopped || !req.conversation) return;
      const e = entries.get(req.id);
      if (!e) {
        const entry: Entry = { latest: req, busy: false };
        entries.set(req.id, entry);
        schedule(entry);
        return;
      }
      if (req.version < e.latest.version) return;
      e.latest = req;
      schedule(e);
    },
    idle() {
      if (!pending()) return Promise.resolve();
      return new Promise((r) => idleWaiters.push(r));
    },
    stop() {
      stopped = true;
      for (const e of entries.values()) clearTimeout(e.timer);
    },
  };
}
