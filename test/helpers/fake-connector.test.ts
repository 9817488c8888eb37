import axios from 'axios';
import {
  ConfigurationServiceClientCredentialFactory,
  MessageFactory,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { channelMention } from './activities';
import { failures, startFakeConnector, type FailureSpec, type FakeConnector } from './fake-connector';

const CONVERSATION_ID = '19:channel-provisioning@thread.tacv2;messageid=1800000000001';
const encoded = encodeURIComponent(CONVERSATION_ID);

describe('fake connector, driven by botbuilder (TeamsAdapter in anonymous mode)', () => {
  let connector: FakeConnector;
  let reference: Partial<ConversationReference>;
  const adapter = new TeamsAdapter({}, new ConfigurationServiceClientCredentialFactory({}));
  /** Runs `logic` as a proactive turn, the way the bot posts and edits cards outside a user turn. */
  const inConversation = <T>(logic: (ctx: TurnContext) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      adapter.continueConversationAsync('', reference, async (ctx) => resolve(await logic(ctx))).catch(reject);
    });

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  beforeEach(() => {
    connector.reset();
    reference = TurnContext.getConversationReference(
      channelMention('hello', { serviceUrl: connector.url, conversationId: CONVERSATION_ID }) as unknown as Activity,
    );
  });
  afterAll(() => connector.close());

  it('records a reply under its decoded conversation id and hands botbuilder the new activity id', async () => {
    const sent = await inConversation((ctx) => ctx.sendActivity('Working on it'));
    expect(connector.replies()).toEqual([
      expect.objectContaining({ method: 'POST', kind: 'reply', conversationId: CONVERSATION_ID, status: 201, hasAuthorization: false, injected: false }),
    ]);
    expect(connector.replies()[0]?.path).toContain(`/v3/conversations/${encoded}/activities/`);
    expect(connector.replies()[0]?.body).toMatchObject({ type: 'message', text: 'Working on it' });
    expect(sent).toEqual({ id: connector.replies()[0]?.responseId });
  });

  it('records card edits and deletes, and resolves nextEdit with the edit body', async () => {
    const edited = inConversation(async (ctx) => {
      const posted = (await ctx.sendActivity('v1')) as ResourceResponse;
      await ctx.updateActivity({ ...MessageFactory.text('v2'), id: posted.id });
      await ctx.deleteActivity(posted.id);
      return posted.id;
    });
    const id = await edited;
    expect(connector.edits(id).map((c) => c.body?.text)).toEqual(['v2']);
    expect(connector.edits('another-activity')).toEqual([]);
    expect(connector.sent.map((c) => c.kind)).toEqual(['reply', 'edit', 'delete']);
    expect(connector.sent[2]).toMatchObject({ method: 'DELETE', activityId: id, status: 200 });

    const next = connector.nextEdit(id);
    await inConversation((ctx) => ctx.updateActivity({ ...MessageFactory.text('v3'), id }));
    await expect(next).resolves.toMatchObject({ text: 'v3' });
  });

  it('leaves typing indicators out of replies() but keeps them in sent', async () => {
    await inConversation(async (ctx) => {
      await ctx.sendActivity({ type: 'typing' });
      await ctx.sendActivity('done');
    });
    expect(connector.replies().map((c) => c.body?.text)).toEqual(['done']);
    expect(connector.sent).toHaveLength(2);
  });

  it('lets botbuilder retry a 429 that carries Retry-After', async () => {
    connector.failNext(1, failures.throttled(0));
    await inConversation((ctx) => ctx.sendActivity('after throttling'));
    expect(connector.sent.map((c) => [c.status, c.injected])).toEqual([
      [429, true],
      [201, false],
    ]);
  });

  // Contrary to a common belief (and docs/teams-notes), botbuilder 4.23's HTTP pipeline retries
  // 408 and 5xx other than 501/505 by itself, Retry-After or not, up to 3 times with backoff.
  it.each([500, 503] as const)('lets botbuilder retry an injected %i by itself, without Retry-After', async (status) => {
    connector.failNext(1, { ...failures.serverError(status), method: 'PUT' });
    await inConversation((ctx) => ctx.updateActivity({ ...MessageFactory.text('edit'), id: '1700000000042' }));
    expect(connector.sent.map((c) => [c.status, c.injected])).toEqual([
      [status, true],
      [200, false],
    ]);
  });

  it.each<[string, FailureSpec, string | undefined]>([
    ['429 without Retry-After', failures.throttled(), 'TooManyRequests'],
    ['412', failures.preconditionFailed(), 'PreconditionFailed'],
    ['403 BotNotInConversationRoster', failures.botNotInRoster(), 'BotNotInConversationRoster'],
    ['404 ConversationNotFound', failures.conversationNotFound(), 'ConversationNotFound'],
    ['404 ActivityNotFoundInConversation', failures.activityNotFound(), 'ActivityNotFoundInConversation'],
  ])('surfaces an injected %s on an edit to botbuilder as an error with that status and code, without retrying', async (_name, spec, code) => {
    connector.failNext(1, { ...spec, method: 'PUT' });
    const failure = await inConversation((ctx) => ctx.updateActivity({ ...MessageFactory.text('edit'), id: '1700000000042' })).then(
      () => undefined,
      (err: { statusCode?: number; code?: string }) => err,
    );
    expect(failure).toMatchObject({ statusCode: spec.status, code });
    expect(connector.sent.map((c) => [c.kind, c.status])).toEqual([['edit', spec.status]]);
    // The failure was used up: the next edit goes through.
    await inConversation((ctx) => ctx.updateActivity({ ...MessageFactory.text('edit'), id: '1700000000042' }));
    expect(connector.edits('1700000000042')).toHaveLength(1);
  });
});

describe('fake connector, driven over plain HTTP', () => {
  let connector: FakeConnector;
  const http = axios.create({ validateStatus: () => true });
  const activities = (conversationId = CONVERSATION_ID) => `${connector.url}v3/conversations/${encodeURIComponent(conversationId)}/activities`;
  const post = (path: string, body: unknown = { type: 'message', text: 'hi' }, headers = {}) => http.post(path, body, { headers });
  const put = (activityId: string, body: unknown = { type: 'message', text: 'edited' }) => http.put(`${activities()}/${activityId}`, body);

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  beforeEach(() => connector.reset());
  afterAll(() => connector.close());

  it('serves a serviceUrl ending with a slash', () => {
    expect(connector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('answers posts with 201 and a fresh id each time, and edits with 200 and the edited id', async () => {
    const first = await post(activities());
    const second = await post(`${activities()}/1800000000001`);
    const edit = await put('1700000000009');
    expect([first.status, second.status, edit.status]).toEqual([201, 201, 200]);
    expect(first.data.id).toMatch(/^\d+$/);
    expect(second.data.id).not.toBe(first.data.id);
    expect(edit.data).toEqual({ id: '1700000000009' });
    expect(connector.sent.map((c) => [c.kind, c.activityId])).toEqual([
      ['send', undefined],
      ['reply', '1800000000001'],
      ['edit', '1700000000009'],
    ]);
  });

  it.each(['a:1personal-xyz', '19:abc@thread.tacv2;messageid=1712345678901', 'id with spaces/and%slashes'])(
    'decodes the conversation id %j from the path',
    async (conversationId) => {
      await post(activities(conversationId));
      expect(connector.sent[0]?.conversationId).toBe(conversationId);
    },
  );

  it('records whether an Authorization header came along', async () => {
    await post(activities(), undefined, { Authorization: 'Bearer abc' });
    await post(activities());
    expect(connector.sent.map((c) => c.hasAuthorization)).toEqual([true, false]);
  });

  it('answers 404 for routes the connector does not have, and 400 for a body that is not an activity', async () => {
    expect((await http.get(activities())).status).toBe(404);
    expect((await http.post(`${connector.url}v3/conversations`, {})).status).toBe(404);
    expect((await http.post(activities(), 'not json', { headers: { 'content-type': 'application/json' }, transformRequest: [(d: unknown) => d] })).status).toBe(
      400,
    );
    expect(connector.sent.map((c) => [c.kind, c.status])).toEqual([
      ['unknown', 404],
      ['unknown', 404],
      ['send', 400],
    ]);
    expect(connector.replies()).toEqual([]);
  });

  it.each<[string, FailureSpec, number, Record<string, unknown>]>([
    ['throttled with Retry-After', failures.throttled(2), 429, { error: { code: 'TooManyRequests' } }],
    ['throttled without Retry-After', failures.throttled(), 429, { error: { code: 'TooManyRequests' } }],
    ['precondition failed', failures.preconditionFailed(), 412, { error: { code: 'PreconditionFailed' } }],
    ['server error 500', failures.serverError(), 500, { error: { code: 'InternalServerError' } }],
    ['server error 502', failures.serverError(502), 502, { error: { code: 'BadGateway' } }],
    ['server error 503', failures.serverError(503), 503, { error: { code: 'ServiceUnavailable' } }],
    ['server error 504', failures.serverError(504), 504, { error: { code: 'GatewayTimeout' } }],
    ['bot not in roster', failures.botNotInRoster(), 403, { error: { code: 'BotNotInConversationRoster', message: expect.any(String) } }],
    ['conversation not found', failures.conversationNotFound(), 404, { error: { code: 'ConversationNotFound', message: expect.any(String) } }],
    ['activity not found', failures.activityNotFound(), 404, { error: { code: 'ActivityNotFoundInConversation', message: expect.any(String) } }],
    ['message too big', failures.messageTooBig(), 413, { error: { code: 'MessageSizeTooBig', message: expect.any(String) } }],
  ])('injects %s on the next calls only', async (_name, spec, status, body) => {
    connector.failNext(2, spec);
    const answers = [await post(activities()), await put('1700000000001'), await post(activities())];
    expect(answers.map((a) => a.status)).toEqual([status, status, 201]);
    expect(answers[0]?.data).toMatchObject(body);
    expect(answers[0]?.headers['retry-after']).toBe(spec.headers?.['Retry-After']);
    expect(connector.sent.map((c) => c.injected)).toEqual([true, true, false]);
    expect(connector.replies()).toHaveLength(1);
    expect(connector.edits()).toEqual([]);
  });

  it('fails only calls of the given method or activity, and queues rules in order', async () => {
    connector.failNext(1, { status: 503, method: 'PUT' });
    connector.failNext(1, { status: 404, activityId: '1700000000002' });
    connector.failNext(1, { status: 502, body: 'Bad Gateway' });
    const statuses = [
      (await post(activities())).status, // not a PUT, not 1700000000002: third rule
      (await put('1700000000002')).status, // first rule
      (await put('1700000000002')).status, // second rule
      (await put('1700000000002')).status, // none left
    ];
    expect(statuses).toEqual([502, 503, 404, 200]);
  });

  it('sends a custom failure body and headers as given', async () => {
    connector.failNext(1, { status: 502, body: '<html>Bad Gateway</html>', headers: { 'x-ms-debug': 'yes' } });
    const res = await post(activities());
    expect(res.data).toBe('<html>Bad Gateway</html>');
    expect(res.headers['x-ms-debug']).toBe('yes');
  });

  it('refuses a failure count that is not a positive integer', () => {
    expect(() => connector.failNext(0, { status: 500 })).toThrow(/positive integer/);
  });

  it('resolves waitFor with a call already recorded, or with the next one that matches', async () => {
    await post(activities(), { type: 'message', text: 'first' });
    await expect(connector.waitFor((c) => c.body?.text === 'first')).resolves.toMatchObject({ kind: 'send' });
    const later = connector.waitFor((c) => c.body?.text === 'second');
    await post(activities(), { type: 'message', text: 'second' });
    await expect(later).resolves.toMatchObject({ body: { text: 'second' } });
  });

  it('rejects waitFor after its timeout, listing the calls it saw', async () => {
    await post(activities());
    await expect(connector.waitFor((c) => c.kind === 'edit', 20)).rejects.toThrow(
      /no matching call within 20 ms\. Calls so far:\n {2}POST \/v3\/conversations\/.* → 201 \[message\]/,
    );
  });

  it('resolves nextEdit only with a later, accepted edit of that activity', async () => {
    await put('1700000000005', { type: 'message', text: 'before' });
    const next = connector.nextEdit('1700000000005');
    connector.failNext(1, { status: 412, method: 'PUT' });
    await put('1700000000005', { type: 'message', text: 'rejected' });
    await put('1700000000006', { type: 'message', text: 'other card' });
    await put('1700000000005', { type: 'message', text: 'after' });
    await expect(next).resolves.toMatchObject({ text: 'after' });
  });

  it('forgets calls and pending failures on reset, yet keeps ids unique', async () => {
    const before = (await post(activities())).data.id;
    connector.failNext(3, { status: 500 });
    connector.reset();
    expect(connector.sent).toEqual([]);
    const after = await post(activities());
    expect(after.status).toBe(201);
    expect(after.data.id).not.toBe(before);
  });
});

describe('fake connector shutdown', () => {
  it('rejects pending waits when closed', async () => {
    const connector = await startFakeConnector();
    const pending = connector.nextEdit('1700000000001', { timeoutMs: 10_000 });
    await connector.close();
    await expect(pending).rejects.toThrow(/closed while waiting/);
  });
});
