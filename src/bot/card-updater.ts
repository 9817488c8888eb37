import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { retrying } from '../outbound/resilience';
import type { ConversationAddress } from '../provisioning/conversation-address';
import { isTerminal, type ProvisioningRequest } from '../provisioning/request';
import type { AdaptiveCardJson } from '../cards/render';
import { botRemoved, describeConnectorError, isGone, MAX_CONNECTOR_RETRY_AFTER_MS, retryBudget } from './connector-errors';
import type { Messenger, OutboundMessage } from './messenger';

/** Which message of a request: its own card, or one of its linked cards (e.g. the approval card). */
export type CardTarget = { kind: 'main' } | { kind: 'linked'; index: number };

/** A one-off message about a request (the requester told of an outcome), sent once per key. */
export interface Notice {
  /** `requestId:event`: the same notice is never sent twice by this process. */
  key: string;
  requestId: string;
  to: ConversationAddress;
  message: OutboundMessage;
}

export interface CardUpdaterDeps {
  messenger: Messenger;
  clock: Clock;
  logger: Logger;
  render(req: ProvisioningRequest, target: CardTarget): AdaptiveCardJson;
  /** Minimum gap between two sends in one conversation (Teams allows ~2/s sustained). */
  minIntervalMs: number;
  /** A card was (re-)posted as a new message: remember its id for later edits. */
  onMoved(requestId: string, target: CardTarget, activityId: string): Promise<void>;
  /** A notice went out. */
  onTold?(notice: Notice): Promise<void>;
  /** Attempts per send for the most patient failures (429, 503, 412, no answer). */
  maxAttempts?: number;
  baseBackoffMs?: number;
}

export interface CardUpdater {
  /** Schedules every card of this request to show its latest state; coalesces bursts. Never throws. */
  notify(req: ProvisioningRequest): void;
  /** Renders this request's cards again from its latest state (what they show besides the record changed, e.g. its queue place). */
  refresh(requestId: string): void;
  /**
   * The request's own message already shows `card` to everyone who sees it (a click's answer in a
   * personal chat): an edit to the same content is not sent. A later change is, as always.
   */
  shown(req: ProvisioningRequest, card: AdaptiveCardJson): void;
  /** Sends a one-off message, paced with the cards of its conversation. Never throws. */
  tell(notice: Notice): void;
  /** Resolves when nothing is pending or being sent (tests, shutdown). */
  idle(): Promise<void>;
  stop(): void;
  /** How much the updater holds in memory (tests and diagnostics): every number stays bounded. */
  stats(): CardUpdaterStats;
}

export interface CardUpdaterStats {
  /** Cards of requests not yet ended (or being sent their final state). */
  cards: number;
  /** Notices waiting or being sent. */
  notices: number;
  /** Conversations with a send slot still ahead (a slot in the past is dropped: it means "send now"). */
  slots: number;
  /** Keys of notices already sent in this run (capped). */
  told: number;
}

interface Job {
  busy: boolean;
  scheduled: boolean;
  conversationId(): string;
  run(): Promise<void>;
}

interface CardEntry extends Job {
  requestId: string;
  target: CardTarget;
  latest: ProvisioningRequest;
  sentJson?: string;
  activityId?: string;
  dead?: boolean;
}

const keyOf = (id: string, t: CardTarget) => (t.kind === 'main' ? `${id}#main` : `${id}#linked:${t.index}`);
const targetsOf = (r: ProvisioningRequest): CardTarget[] => [{ kind: 'main' }, ...r.linkedCards.map((_, index) => ({ kind: 'linked' as const, index }))];

/** Where a target lives and the message it was last known as. */
function placeOf(r: ProvisioningRequest, t: CardTarget): { to: ConversationAddress; activityId?: string } {
  if (t.kind === 'main') return { to: r.conversation, activityId: r.cardActivityId };
  const l = r.linkedCards[t.index];
  return { to: l.conversation, activityId: l.activityId };
}

/**
 * Keeps each request's cards in step with the store (one edit per real change, re-posted when the
 * message is gone) and sends the notices about it, all spaced per conversation and retried on
 * Teams' transient answers.
 */
export function createCardUpdater(deps: CardUpdaterDeps): CardUpdater {
  const { clock, messenger } = deps;
  const cards = new Map<string, CardEntry>();
  const notices = new Map<string, Job>();
  const told = new Set<string>();
  /** Conversation id → the earliest time its next send may go out. Only future times are worth keeping. */
  const nextSlot = new Map<string, number>();
  let lastSweep = Number.NEGATIVE_INFINITY;
  const idleWaiters: (() => void)[] = [];
  const maxAttempts = deps.maxAttempts ?? 6;
  const policy = {
    retries: maxAttempts,
    baseDelayMs: deps.baseBackoffMs ?? 500,
    maxDelayMs: 30_000,
    maxTotalMs: Number.POSITIVE_INFINITY,
    maxRetryAfterMs: MAX_CONNECTOR_RETRY_AFTER_MS,
  };
  const stopping = new AbortController();

  /**
   * Forgets the slots already in the past: an absent slot and a past one both mean "send now", so
   * the map holds only conversations sent to within the last interval, however many conversations
   * the bot ever talked to. A sweep visits every slot, so it runs at most once per interval (or
   * whenever nothing is pending); each send stays O(1) amortised.
   */
  function pruneSlots(force = false) {
    const now = clock.now().getTime();
    if (!force && now - lastSweep < Math.max(deps.minIntervalMs, 1_000)) return;
    lastSweep = now;
    for (const [conversationId, at] of nextSlot) if (at <= now) nextSlot.delete(conversationId);
  }

  /** Takes this conversation's next slot: called right before something is really sent. */
  const takeSlot = (conversationId: string) => {
    pruneSlots();
    nextSlot.set(conversationId, clock.now().getTime() + deps.minIntervalMs);
  };
  const pending = () => [...cards.values(), ...notices.values()].some((e) => e.busy || e.scheduled);
  const checkIdle = () => {
    if (pending()) return;
    pruneSlots(true);
    idleWaiters.splice(0).forEach((r) => r());
  };

  function schedule(e: Job) {
    if (e.busy || e.scheduled || stopping.signal.aborted || (e as CardEntry).dead) return;
    e.scheduled = true;
    const wait = Math.max(0, (nextSlot.get(e.conversationId()) ?? 0) - clock.now().getTime());
    void clock.sleep(wait, stopping.signal).then(() => {
      e.scheduled = false;
      if (stopping.signal.aborted) checkIdle();
      // Another message of this conversation took the slot while this one waited: wait for the next.
      else if ((nextSlot.get(e.conversationId()) ?? 0) > clock.now().getTime()) schedule(e);
      else void e.run();
    });
  }

  /** On top of botbuilder's own retries: how many more depends on what the connector said. */
  function withRetry<T>(what: string, requestId: string, fn: () => Promise<T>): Promise<T> {
    return retrying(fn, {
      policy,
      retryable: () => true,
      budget: (err) => retryBudget(describeConnectorError(err), maxAttempts) - 1,
      now: () => clock.now().getTime(),
      sleep: clock.sleep,
      signal: stopping.signal,
      onRetry: (err, attempt, backoffMs) => {
        const f = describeConnectorError(err);
        deps.logger.warn({ requestId, status: f.status, code: f.code, attempt, backoffMs }, `${what}: connector busy, retrying`);
      },
    });
  }

  /** Logs a failed send; true when the bot is gone from that conversation for good. */
  function failed(err: unknown, requestId: string, what: 'card update' | 'notice'): boolean {
    const f = describeConnectorError(err);
    if (botRemoved(f)) {
      const lost = what === 'card update' ? 'the card will not be updated' : 'the notice is dropped';
      deps.logger.warn({ requestId, status: f.status, code: f.code }, `bot is no longer in the conversation; ${lost} (the request itself goes on)`);
      return true;
    }
    deps.logger.error({ requestId, status: f.status, code: f.code, err: { message: (err as Error)?.message } }, `${what} failed`);
    return false;
  }

  async function sendCard(e: CardEntry) {
    e.busy = true;
    const req = e.latest;
    try {
      const card = deps.render(req, e.target);
      const json = JSON.stringify(card);
      if (json === e.sentJson) return;
      const { to, activityId: stored } = placeOf(req, e.target);
      takeSlot(to.conversationId);
      const activityId = e.activityId ?? stored;
      if (activityId) {
        try {
          await withRetry('edit card', req.id, () => messenger.update(to, activityId, card));
          e.sentJson = json;
          return;
        } catch (err) {
          const f = describeConnectorError(err);
          if (!isGone(f)) throw err;
          deps.logger.warn({ requestId: req.id, status: f.status, code: f.code }, 'card can no longer be edited; posting it again');
        }
      }
      const newId = await withRetry('post card', req.id, () => messenger.post(to, card));
      e.sentJson = json;
      if (newId) {
        e.activityId = newId;
        await deps.onMoved(req.id, e.target, newId);
      }
    } catch (err) {
      if (failed(err, req.id, 'card update')) e.dead = true;
    } finally {
      e.busy = false;
      // A dead entry stays (so later changes are not sent) until its request ends.
      if (e.latest !== req) schedule(e);
      else if (isTerminal(req.state)) cards.delete(keyOf(req.id, e.target));
      checkIdle();
    }
  }

  function cardEntry(req: ProvisioningRequest, target: CardTarget): CardEntry {
    const e: CardEntry = {
      requestId: req.id,
      target,
      latest: req,
      busy: false,
      scheduled: false,
      conversationId: () => placeOf(e.latest, target).to.conversationId,
      run: () => sendCard(e),
    };
    return e;
  }

  return {
    notify(req) {
      if (stopping.signal.aborted) return;
      for (const target of targetsOf(req)) {
        const key = keyOf(req.id, target);
        const e = cards.get(key);
        if (!e) {
          const entry = cardEntry(req, target);
          cards.set(key, entry);
          schedule(entry);
          continue;
        }
        if (req.version < e.latest.version) continue;
        if (e.dead) {
          if (isTerminal(req.state)) cards.delete(key);
          continue;
        }
        e.latest = req;
        schedule(e);
      }
    },
    shown(req, card) {
      if (stopping.signal.aborted) return;
      const key = keyOf(req.id, { kind: 'main' });
      const e = cards.get(key);
      if (!e) {
        // Nothing pending: remember what the message shows, so the next notify compares with it.
        if (isTerminal(req.state)) return;
        const entry = cardEntry(req, { kind: 'main' });
        entry.sentJson = JSON.stringify(card);
        cards.set(key, entry);
        return;
      }
      // While an edit is on its way, it decides what the message shows; a card older than the one
      // the updater holds says nothing about it.
      if (e.busy || req.version < e.latest.version) return;
      e.sentJson = JSON.stringify(card);
    },
    refresh(requestId) {
      if (stopping.signal.aborted) return;
      for (const e of cards.values()) if (e.requestId === requestId && !e.dead) schedule(e);
    },
    tell(notice) {
      if (stopping.signal.aborted || told.has(notice.key) || notices.has(notice.key)) return;
      const job: Job = {
        busy: false,
        scheduled: false,
        conversationId: () => notice.to.conversationId,
        run: async () => {
          job.busy = true;
          takeSlot(notice.to.conversationId);
          try {
            await withRetry('notice', notice.requestId, () => messenger.say(notice.to, notice.message));
            told.add(notice.key);
            // Bounded: the store's `notified` is what survives; this only stops doubles within a run.
            if (told.size > 10_000) told.delete(told.values().next().value!);
            await deps.onTold?.(notice);
          } catch (err) {
            failed(err, notice.requestId, 'notice');
          } finally {
            job.busy = false;
            notices.delete(notice.key);
            checkIdle();
          }
        },
      };
      notices.set(notice.key, job);
      schedule(job);
    },
    idle() {
      if (!pending()) return Promise.resolve();
      return new Promise((r) => idleWaiters.push(r));
    },
    stop() {
      stopping.abort();
      nextSlot.clear();
    },
    stats() {
      return { cards: cards.size, notices: notices.size, slots: nextSlot.size, told: told.size };
    },
  };
}
