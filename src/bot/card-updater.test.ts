import { FakeClock, flush } from '../../test/helpers/fake-clock';
import { testAddress, testRequest } from '../../test/helpers/fixtures';
import type { AdaptiveCardJson } from '../cards/render';
import { createLogger } from '../logger';
import type { ConversationAddress } from '../provisioning/conversation-address';
import type { ProvisioningRequest, RequestState } from '../provisioning/request';
import { CardUpdater, createCardUpdater } from './card-updater';
import type { ConnectorFailure } from './connector-errors';
import { DeliveryError, Messenger, type OutboundMessage } from './messenger';

const T0 = Date.parse('2025-06-02T09:00:00.000Z');
const MIN_INTERVAL = 1500;

interface Call {
  kind: 'post' | 'update' | 'say';
  conversationId: string;
  messageId?: string;
  text: string;
  /** Fake ms since T0. */
  at: number;
  ok: boolean;
}

/** Records every post/update with the fake time; can be told to fail the next calls. */
class FakeMessenger implements Messenger {
  readonly calls: Call[] = [];
  private readonly failures: ConnectorFailure[] = [];
  private posted = 0;

  constructor(private readonly clock: FakeClock) {}

  /** The next `n` calls (post or update) throw a DeliveryError saying `f`. */
  failNext(n: number, f: ConnectorFailure) {
    for (let i = 0; i < n; i++) this.failures.push(f);
  }

  private record(kind: Call['kind'], to: ConversationAddress, card: AdaptiveCardJson, messageId?: string) {
    const f = this.failures.shift();
    this.calls.push({ kind, conversationId: to.conversationId, messageId, text: textOf(card), at: this.clock.now().getTime() - T0, ok: !f });
    if (f) throw new DeliveryError(`connector answered ${f.status ?? 'nothing'} ${f.code ?? ''}`, f);
  }

  async post(to: ConversationAddress, card: AdaptiveCardJson): Promise<string | undefined> {
    this.record('post', to, card);
    return `posted-${++this.posted}`;
  }

  async update(to: ConversationAddress, messageId: string, card: AdaptiveCardJson): Promise<void> {
    this.record('update', to, card, messageId);
  }

  async say(to: ConversationAddress, message: OutboundMessage): Promise<string | undefined> {
    this.record('say', to, { type: 'AdaptiveCard', body: [{ text: message.text }] });
    return `said-${++this.posted}`;
  }

  sent(): Call[] {
    return this.calls.filter((c) => c.ok);
  }
}

const render = (r: ProvisioningRequest): AdaptiveCardJson => ({
  type: 'AdaptiveCard',
  version: '1.5',
  body: [{ type: 'TextBlock', text: `${r.state} ${r.steps.length}` }],
});
const textOf = (card: AdaptiveCardJson) => (card.body as { text: string }[])[0].text;

function req(version: number, state: RequestState = 'deploying', steps = 0, over: Partial<ProvisioningRequest> = {}): ProvisioningRequest {
  const at = new Date(T0).toISOString();
  return testRequest({
    id: 'REQ-1',
    formKey: 'c1|m1',
    state,
    version,
    customer: { ...testRequest().customer, secretKeys: [] },
    conversation: testAddress({ conversationId: 'c1' }),
    cardActivityId: 'm1',
    steps: Array.from({ length: steps }, (_, i) => ({ level: 'Information', message: `step ${i + 1}`, at })),
    createdAt: at,
    updatedAt: at,
    ...over,
  });
}

describe('the card updater (fake clock, fake messenger)', () => {
  let clock: FakeClock;
  let messenger: FakeMessenger;
  let logs: { level: number; msg: string; requestId?: string; status?: number }[];
  let moved: [string, string][];
  let updater: CardUpdater;

  beforeEach(() => {
    // Backoff jitter is Math.random; pinned so every run waits the same fake time.
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    clock = new FakeClock(T0);
    messenger = new FakeMessenger(clock);
    logs = [];
    moved = [];
    updater = createCardUpdater({
      messenger,
      clock,
      logger: createLogger({ level: 'info', pretty: false, destination: { write: (line: string) => void logs.push(JSON.parse(line)) } }),
      render,
      minIntervalMs: MIN_INTERVAL,
      onMoved: async (id, target, activityId) => void moved.push([target.kind === 'main' ? id : `${id}#${target.index}`, activityId]),
      maxAttempts: 6,
      baseBackoffMs: 500,
    });
  });

  afterEach(() => {
    updater.stop();
    jest.restoreAllMocks();
  });

  /** Notifies and lets the updater act on it without moving time. */
  async function notify(r: ProvisioningRequest) {
    updater.notify(r);
    await flush();
  }

  it('sends one edit per real change: the same rendered card twice is edited once', async () => {
    await notify(req(2, 'deploying', 1));
    await notify(req(3, 'deploying', 1)); // a newer version that renders the same (e.g. only rawState moved)
    await clock.advance(10_000);
    expect(messenger.calls).toEqual([{ kind: 'update', conversationId: 'c1', messageId: 'm1', text: 'deploying 1', at: 0, ok: true }]);
    await updater.idle();
  });

  it('sends no edit for a card the message already shows (a click answer), but sends the next change', async () => {
    updater.notify(req(1, 'submitted', 0));
    updater.shown(req(1, 'submitted', 0), render(req(1, 'submitted', 0)));
    await flush();
    await clock.advance(10_000);
    expect(messenger.calls).toEqual([]);
    await notify(req(2, 'deploying', 1));
    await clock.advance(10_000);
    expect(messenger.calls.map((c) => c.text)).toEqual(['deploying 1']);
    await updater.idle();
  });

  it('told of a shown card before any change, compares the first change with it', async () => {
    updater.shown(req(1, 'submitted', 0), render(req(1, 'submitted', 0)));
    await notify(req(1, 'submitted', 0)); // the service's own notify of that same version, arriving later
    await notify(req(2, 'submitted', 0)); // a newer version that looks the same
    await clock.advance(10_000);
    expect(messenger.calls).toEqual([]);
    await notify(req(3, 'deploying', 2));
    await clock.advance(10_000);
    expect(messenger.calls.map((c) => c.text)).toEqual(['deploying 2']);
  });

  it('still edits when what was shown is older than the change it holds', async () => {
    updater.notify(req(3, 'deploying', 1));
    updater.shown(req(2, 'submitted', 0), render(req(2, 'submitted', 0)));
    await flush();
    await clock.advance(10_000);
    expect(messenger.calls.map((c) => c.text)).toEqual(['deploying 1']);
  });

  it('coalesces a burst inside the min interval to its latest version, and ignores an older one arriving late', async () => {
    await notify(req(2, 'deploying', 0));
    for (let v = 3; v <= 7; v++) {
      await notify(req(v, 'deploying', v - 2));
      await clock.advance(100);
    }
    await notify(req(4, 'deploying', 2)); // stale: older than what is already known
    await clock.advance(10_000);
    expect(messenger.calls.map((c) => [c.at, c.text])).toEqual([
      [0, 'deploying 0'],
      [MIN_INTERVAL, 'deploying 5'],
    ]);
  });

  it('spaces edits in one conversation by minIntervalMs; another conversation does not wait for it', async () => {
    const other = (v: number, steps: number) =>
      req(v, 'deploying', steps, { id: 'REQ-2', conversation: testAddress({ conversationId: 'c2' }), cardActivityId: 'm2' });
    await notify(req(2, 'deploying', 0));
    await notify(other(2, 0));
    await clock.advance(10);
    await notify(req(3, 'deploying', 1));
    await notify(other(3, 1));
    await clock.advance(MIN_INTERVAL - 11);
    expect(messenger.calls).toHaveLength(2); // both first edits went out at once
    await clock.advance(1);
    await notify(req(4, 'deploying', 2)); // right after an edit: waits a full interval again
    await clock.advance(10_000);

    const at = (conversationId: string) => messenger.calls.filter((c) => c.conversationId === conversationId).map((c) => c.at);
    expect(at('c1')).toEqual([0, MIN_INTERVAL, 2 * MIN_INTERVAL]);
    expect(at('c2')).toEqual([0, MIN_INTERVAL]);
    expect(messenger.calls.map((c) => c.messageId)).toEqual(['m1', 'm2', 'm1', 'm2', 'm1']);
  });

  it('retries a 429 after its Retry-After (3 s of fake time), then succeeds', async () => {
    messenger.failNext(1, { status: 429, code: 'Throttled', retryAfterMs: 3000 });
    await notify(req(2));
    expect(messenger.calls).toHaveLength(1);
    await clock.advance(2999);
    expect(messenger.calls).toHaveLength(1);
    await clock.advance(1);
    expect(messenger.calls.map((c) => [c.at, c.ok])).toEqual([
      [0, false],
      [3000, true],
    ]);
    await updater.idle();
    expect(logs.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('does not wait for a Retry-After above 60 s: gives up, logs, and the next change still goes out', async () => {
    messenger.failNext(1, { status: 429, retryAfterMs: 61_000 });
    await notify(req(2, 'deploying', 0));
    expect(clock.pendingSleeps()).toBe(0); // not sleeping 61 s
    await updater.idle();
    expect(logs).toContainEqual(expect.objectContaining({ level: 50, msg: 'card update failed', requestId: 'REQ-1', status: 429 }));

    await notify(req(3, 'deploying', 1));
    await clock.advance(MIN_INTERVAL);
    expect(messenger.calls.map((c) => [c.at, c.text, c.ok])).toEqual([
      [0, 'deploying 0', false],
      [MIN_INTERVAL, 'deploying 1', true],
    ]);
  });

  it('does not retry a 500 itself (botbuilder already did): exactly one call', async () => {
    messenger.failNext(1, { status: 500 });
    await notify(req(2));
    await clock.advance(120_000);
    expect(messenger.calls).toHaveLength(1);
    expect(logs).toContainEqual(expect.objectContaining({ level: 50, msg: 'card update failed', status: 500 }));
  });

  it.each<[string, number, ConnectorFailure]>([
    ['429', 6, { status: 429 }],
    ['503', 6, { status: 503 }],
    ['412 PreconditionFailed', 6, { status: 412, code: 'PreconditionFailed' }],
    ['no answer at all (no status, no code)', 6, {}],
    ['502', 2, { status: 502 }],
    ['504', 2, { status: 504 }],
    ['500', 1, { status: 500 }],
    ['400 BadArgument', 1, { status: 400, code: 'BadArgument' }],
  ])('a connector that keeps answering %s is called %i times in all (maxAttempts 6)', async (_label, calls, failure) => {
    messenger.failNext(10, failure);
    await notify(req(2));
    await clock.advance(300_000);
    expect(messenger.calls).toHaveLength(calls);
    expect(messenger.calls.every((c) => c.kind === 'update' && !c.ok)).toBe(true);
    await updater.idle();
  });

  it('re-posts a card whose message is gone, reports the new id, and edits the new message next', async () => {
    messenger.failNext(1, { status: 404, code: 'ActivityNotFoundInConversation' });
    await notify(req(2, 'deploying', 0));
    expect(messenger.calls.map((c) => [c.kind, c.messageId, c.ok])).toEqual([
      ['update', 'm1', false],
      ['post', undefined, true],
    ]);
    expect(moved).toEqual([['REQ-1', 'posted-1']]);

    await notify(req(3, 'deploying', 1)); // still carries the old cardActivityId
    await clock.advance(MIN_INTERVAL);
    expect(messenger.calls.slice(2)).toEqual([
      { kind: 'update', conversationId: 'c1', messageId: 'posted-1', text: 'deploying 1', at: MIN_INTERVAL, ok: true },
    ]);
  });

  it('stops editing once the bot was removed from the conversation (403 BotNotInConversationRoster): no retry, no re-post', async () => {
    messenger.failNext(1, { status: 403, code: 'BotNotInConversationRoster' });
    await notify(req(2, 'deploying', 0));
    await clock.advance(60_000);
    await updater.idle();
    expect(messenger.calls.map((c) => [c.kind, c.ok])).toEqual([['update', false]]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 40, requestId: 'REQ-1', status: 403 }));
  });

  it('keeps a removed bot silent for later changes of that request too, and forgets it when the request ends', async () => {
    messenger.failNext(1, { status: 403, code: 'BotNotInConversationRoster' });
    await notify(req(2, 'deploying', 0));
    await clock.advance(60_000);
    await notify(req(3, 'deploying', 1));
    await notify(req(4, 'deployed', 2));
    await clock.advance(60_000);
    expect(messenger.calls).toHaveLength(1);
    await updater.idle();
  });

  it('spaces two requests of one conversation too, when both change at the same moment (a restart resumes them together)', async () => {
    const other = (v: number) => req(v, 'deploying', 0, { id: 'REQ-2', formKey: 'c1|m2', cardActivityId: 'm2' });
    updater.notify(req(2));
    updater.notify(other(2));
    await clock.advance(10_000);
    expect(messenger.calls.map((c) => [c.messageId, c.at])).toEqual([
      ['m1', 0],
      ['m2', MIN_INTERVAL],
    ]);
  });

  it('sends nothing more once stopped while waiting to retry', async () => {
    messenger.failNext(1, { status: 429, retryAfterMs: 3000 });
    await notify(req(2));
    updater.stop();
    await flush();
    await clock.advance(60_000);
    expect(messenger.calls).toHaveLength(1);
  });

  it('drops a request after its final edit: idle() resolves and nothing more is pending', async () => {
    await notify(req(2, 'deploying', 1));
    await notify(req(3, 'deployed', 2));
    let idle = false;
    void updater.idle().then(() => (idle = true));
    await flush();
    expect(idle).toBe(false); // the final edit waits for its slot
    await clock.advance(MIN_INTERVAL);
    expect(idle).toBe(true);
    expect(messenger.calls.map((c) => [c.at, c.text])).toEqual([
      [0, 'deploying 1'],
      [MIN_INTERVAL, 'deployed 2'],
    ]);
    expect(clock.pendingSleeps()).toBe(0);
  });

  it('stop() ends a pending wait without sending, and later changes are ignored', async () => {
    await notify(req(2, 'deploying', 0));
    await notify(req(3, 'deploying', 1)); // waits for the next slot
    expect(clock.pendingSleeps()).toBe(1);
    let idle = false;
    void updater.idle().then(() => (idle = true));
    updater.stop();
    await flush();
    expect(idle).toBe(true);
    expect(clock.pendingSleeps()).toBe(0);
    await notify(req(4, 'failed', 2));
    await clock.advance(60_000);
    expect(messenger.calls.map((c) => c.text)).toEqual(['deploying 0']);
  });

  it('keeps a linked card (an approval card elsewhere) in step: posts it once, then edits it with every change', async () => {
    const approvals = testAddress({ conversationId: 'approvals', kind: 'channel' });
    const linked = { linkedCards: [{ conversation: approvals, purpose: 'approval' }] };
    await notify(req(2, 'awaiting_approval', 0, linked));
    expect(messenger.calls.map((c) => [c.kind, c.conversationId, c.messageId])).toEqual([
      ['update', 'c1', 'm1'],
      ['post', 'approvals', undefined],
    ]);
    expect(moved).toEqual([['REQ-1#0', 'posted-1']]);
    // The next version still has no id for it (the store write may lag): the updater remembers.
    await notify(req(3, 'queued', 0, linked));
    await clock.advance(MIN_INTERVAL);
    expect(messenger.calls.slice(2).map((c) => [c.kind, c.conversationId, c.messageId, c.text])).toEqual([
      ['update', 'c1', 'm1', 'queued 0'],
      ['update', 'approvals', 'posted-1', 'queued 0'],
    ]);
  });

  it('keeps memory bounded with many conversations: send slots in the past are forgotten, ended cards and sent notices dropped', async () => {
    const inConversation = (i: number, v: number, state: RequestState) =>
      req(v, state, 1, { id: `REQ-${i}`, formKey: `conv-${i}|m`, conversation: testAddress({ conversationId: `conv-${i}` }), cardActivityId: `m-${i}` });
    for (let i = 0; i < 500; i++) {
      updater.notify(inConversation(i, 2, 'deployed'));
      updater.tell({ key: `REQ-${i}:deployed`, requestId: `REQ-${i}`, to: testAddress({ conversationId: `conv-${i}` }), message: { text: 'deployed' } });
    }
    await clock.advance(MIN_INTERVAL);
    await updater.idle();
    expect(messenger.sent()).toHaveLength(1000);
    // Each conversation still has a slot ahead (its notice went out at MIN_INTERVAL); nothing else is held.
    expect(updater.stats()).toEqual({ cards: 0, notices: 0, slots: 500, told: 500 });

    // Time passes: those slots are now in the past and go with the next send anywhere.
    await clock.advance(10 * MIN_INTERVAL);
    await notify(inConversation(9999, 2, 'deploying'));
    expect(messenger.calls.at(-1)).toMatchObject({ conversationId: 'conv-9999', ok: true });
    expect(updater.stats()).toEqual({ cards: 1, notices: 0, slots: 1, told: 500 });

    // And once that request ends and its slot is behind it, nothing is left but the capped told keys.
    await notify(inConversation(9999, 3, 'failed'));
    await clock.advance(10 * MIN_INTERVAL);
    await updater.idle();
    await notify(inConversation(10_000, 2, 'deployed'));
    await updater.idle();
    expect(updater.stats()).toEqual({ cards: 0, notices: 0, slots: 1, told: 500 });
  });

  it('still spaces sends of one conversation after its slots were swept', async () => {
    await notify(req(2, 'deploying', 0));
    await clock.advance(5 * MIN_INTERVAL); // the slot of c1 is in the past and swept with the next send
    await notify(req(3, 'deploying', 1));
    await notify(req(4, 'deploying', 2)); // right after a send: waits for the slot taken just now
    await clock.advance(10 * MIN_INTERVAL);
    expect(messenger.calls.map((c) => [c.at, c.text])).toEqual([
      [0, 'deploying 0'],
      [5 * MIN_INTERVAL, 'deploying 1'],
      [6 * MIN_INTERVAL, 'deploying 2'],
    ]);
  });

  it('sends a notice once per key, paced with the cards of its conversation', async () => {
    const notice = { key: 'REQ-1:approved', requestId: 'REQ-1', to: testAddress({ conversationId: 'c1' }), message: { text: 'approved' } };
    const told: string[] = [];
    updater.stop();
    updater = createCardUpdater({
      messenger,
      clock,
      logger: createLogger({ level: 'silent', pretty: false }),
      render,
      minIntervalMs: MIN_INTERVAL,
      onMoved: async () => undefined,
      onTold: async (n) => void told.push(n.key),
    });
    await notify(req(2, 'queued', 0));
    updater.tell(notice);
    updater.tell(notice);
    await flush();
    expect(messenger.calls.map((c) => c.kind)).toEqual(['update']);
    await clock.advance(MIN_INTERVAL);
    expect(messenger.calls.map((c) => [c.kind, c.at, c.text])).toEqual([
      ['update', 0, 'queued 0'],
      ['say', MIN_INTERVAL, 'approved'],
    ]);
    expect(told).toEqual(['REQ-1:approved']);
    updater.tell(notice);
    await clock.advance(10 * MIN_INTERVAL);
    expect(messenger.calls).toHaveLength(2);
  });
});
