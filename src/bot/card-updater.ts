import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { retrying } from '../outbound/resilience';
import { isTerminal, type ProvisioningRequest } from '../provisioning/request';
import type { AdaptiveCardJson } from '../cards/render';
import { botRemoved, describeConnectorError, isGone, retryBudget } from './connector-errors';
import type { Messenger } from './messenger';

export interface CardUpdaterDeps {
  messenger: Messenger;
  clock: Clock;
  logger: Logger;
  render(req: ProvisioningRequest): AdaptiveCardJson;
  /** Minimum gap between two edits in one conversation (Teams allows ~2/s sustained). */
  minIntervalMs: number;
  /** The card was re-posted as a new message: remember its id for later edits. */
  onMoved(requestId: string, activityId: string): Promise<void>;
  /** Attempts per edit for the most patient failures (429, 503, 412, no answer). */
  maxAttempts?: number;
  baseBackoffMs?: number;
}

export interface CardUpdater {
  /** Schedules the card of this request to show its latest state; coalesces bursts. Never throws. */
  notify(req: ProvisioningRequest): void;
  /** Renders this request's card again from its latest state (what it shows besides the record changed, e.g. its queue place). */
  refresh(requestId: string): void;
  /** Resolves when nothing is pending or being sent (tests, shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

interface Entry {
  latest: ProvisioningRequest;
  sentJson?: string;
  activityId?: string;
  busy: boolean;
  scheduled: boolean;
  dead?: boolean;
}

/**
 * Keeps each request's card in step with the store: one edit per real change, spaced per
 * conversation, retried on Teams' transient answers, re-posted when the message is gone.
 */
export function createCardUpdater(deps: CardUpdaterDeps): CardUpdater {
  const { clock, messenger } = deps;
  const entries = new Map<string, Entry>();
  const nextSlot = new Map<string, number>();
  const idleWaiters: (() => void)[] = [];
  const maxAttempts = deps.maxAttempts ?? 6;
  const policy = {
    retries: maxAttempts,
    baseDelayMs: deps.baseBackoffMs ?? 500,
    maxDelayMs: 30_000,
    maxTotalMs: Number.POSITIVE_INFINITY,
    maxRetryAfterMs: 60_000,
  };
  const stopping = new AbortController();

  const pending = () => [...entries.values()].some((e) => e.busy || e.scheduled);
  const checkIdle = () => {
    if (!pending()) idleWaiters.splice(0).forEach((r) => r());
  };
  const convId = (r: ProvisioningRequest) => r.conversation.conversationId;

  function schedule(e: Entry) {
    if (e.busy || e.scheduled || stopping.signal.aborted || e.dead) return;
    e.scheduled = true;
    const wait = Math.max(0, (nextSlot.get(convId(e.latest)) ?? 0) - clock.now().getTime());
    void clock.sleep(wait, stopping.signal).then(() => {
      e.scheduled = false;
      if (stopping.signal.aborted) checkIdle();
      // Another request of this conversation took the slot while this one waited: wait for the next.
      else if ((nextSlot.get(convId(e.latest)) ?? 0) > clock.now().getTime()) schedule(e);
      else void send(e);
    });
  }

  /** On top of botbuilder's own retries: how many more depends on what the connector said. */
  function withRetry<T>(what: string, fn: () => Promise<T>, req: ProvisioningRequest): Promise<T> {
    return retrying(fn, {
      policy,
      retryable: () => true,
      budget: (err) => retryBudget(describeConnectorError(err), maxAttempts) - 1,
      now: () => clock.now().getTime(),
      sleep: clock.sleep,
      signal: stopping.signal,
      onRetry: (err, attempt, backoffMs) => {
        const f = describeConnectorError(err);
        deps.logger.warn({ requestId: req.id, status: f.status, code: f.code, attempt, backoffMs }, `${what}: connector busy, retrying`);
      },
    });
  }

  async function send(e: Entry) {
    e.busy = true;
    const req = e.latest;
    try {
      const card = deps.render(req);
      const json = JSON.stringify(card);
      if (json === e.sentJson) return;
      const activityId = e.activityId ?? req.cardActivityId;
      nextSlot.set(convId(req), clock.now().getTime() + deps.minIntervalMs);
      if (activityId) {
        try {
          await withRetry('edit card', () => messenger.update(req.conversation, activityId, card), req);
          e.sentJson = json;
          return;
        } catch (err) {
          const f = describeConnectorError(err);
          if (!isGone(f)) throw err;
          deps.logger.warn({ requestId: req.id, status: f.status, code: f.code }, 'card can no longer be edited; posting it again');
        }
      }
      const newId = await withRetry('post card', () => messenger.post(req.conversation, card), req);
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
      // A dead entry stays (so later changes are not sent) until its request ends.
      if (e.latest !== req) schedule(e);
      else if (isTerminal(req.state)) entries.delete(req.id);
      checkIdle();
    }
  }

  return {
    notify(req) {
      if (stopping.signal.aborted) return;
      const e = entries.get(req.id);
      if (!e) {
        const entry: Entry = { latest: req, busy: false, scheduled: false };
        entries.set(req.id, entry);
        schedule(entry);
        return;
      }
      if (req.version < e.latest.version) return;
      if (e.dead) {
        if (isTerminal(req.state)) entries.delete(req.id);
        return;
      }
      e.latest = req;
      schedule(e);
    },
    refresh(requestId) {
      const e = entries.get(requestId);
      if (e && !e.dead && !stopping.signal.aborted) schedule(e);
    },
    idle() {
      if (!pending()) return Promise.resolve();
      return new Promise((r) => idleWaiters.push(r));
    },
    stop() {
      stopping.abort();
    },
  };
}
