import { NOT_AVAILABLE } from '../../src/bot/turn-gate';
import { TEST_TENANTS } from '../../src/sandbox/login-standin';
import {
  actionExecuteInvoke,
  APPROVER,
  channelMention,
  conversationUpdateBotAdded,
  GROUP_CHAT_ID,
  personalMessage,
  TENANT_ID,
  USER,
  type TestUser,
} from '../helpers/activities';
import type { RecordedCall } from '../helpers/fake-connector';
import { cardJson, shiftableClock, startWorld, validForm, type World } from '../helpers/world';

const FOREIGN_TENANT = 'f00dbabe-0000-4000-8000-00000000bad1';
const OUTSIDER: TestUser = { id: '29:1user-isaiah-langer', name: 'Isaiah Langer', aadObjectId: 'aad-isaiah-langer' };

/** What the bot sent since `from` (posts and edits), in order. */
const sentSince = (w: World, from: number): RecordedCall[] => w.connector.sent.slice(from).filter((c) => c.kind !== 'unknown' && c.body?.type !== 'typing');
const textOf = (c: RecordedCall | undefined) => String(c?.body?.text ?? '');

describe('activities from a Teams tenant that is not allowed', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ env: { ALLOWED_TENANTS: TENANT_ID } });
  });
  afterAll(async () => w.stop());

  it('get at most one short refusal, with no card and no data, and the log names the tenant', async () => {
    const foreign = { serviceUrl: w.connector.url, tenantId: FOREIGN_TENANT };
    const from = w.connector.sent.length;
    for (const text of ['new', 'help', `new shortName=AcmeForeign msTenantId=${TEST_TENANTS.contoso.domain}`]) {
      expect((await w.bot.post(personalMessage(text, foreign))).status).toBe(200);
    }
    await w.bot.post(conversationUpdateBotAdded(foreign));
    // Each post returns when its turn is over, replies included: what was sent is all there is.
    const sent = sentSince(w, from);
    expect(sent.map(textOf)).toEqual([NOT_AVAILABLE]);
    expect(sent[0].body?.attachments ?? []).toEqual([]);

    const click = await w.bot.post(actionExecuteInvoke('customer.create', validForm('AcmeForeign'), { ...foreign, replyToId: '1800000000001' }));
    expect(click.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error', value: { message: NOT_AVAILABLE } });
    expect(JSON.stringify(click.body)).not.toMatch(/Live Platform|REQ-|help/);
    expect(w.creates()).toBe(0);
    expect(sentSince(w, from)).toHaveLength(1);
    const warnings = w.bot.logs.filter((l) => l.includes('tenant that is not allowed'));
    expect(warnings.length).toBeGreaterThanOrEqual(5);
    expect(warnings.every((l) => l.includes(FOREIGN_TENANT) && l.includes('"level":40'))).toBe(true);
  });

  it('refuses an activity whose two tenant fields disagree', async () => {
    const from = w.connector.sent.length;
    const mixed = personalMessage('help', { serviceUrl: w.connector.url, conversationId: 'a:1personal-mixed' });
    mixed.channelData = { ...mixed.channelData, tenant: { id: FOREIGN_TENANT } };
    await w.bot.post(mixed);
    expect(sentSince(w, from).map(textOf)).toEqual([NOT_AVAILABLE]);
  });

  it('serves users of the allowed tenant as before', async () => {
    const { card } = await w.openForm();
    expect(JSON.stringify(card)).toContain('Create customer');
  });
});

describe('someone who is not a requester', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ env: { REQUESTERS: 'aad-someone-else', APPROVERS: APPROVER.aadObjectId, ACCESS_CONTACT: 'the NOC lead (noc@example.net)' } });
  });
  afterAll(async () => w.stop());

  it('gets the access message and no form, with what they may still do', async () => {
    const from = w.connector.sent.length;
    await w.bot.post(personalMessage('new shortName=AcmeNope', { serviceUrl: w.connector.url }));
    const sent = sentSince(w, from);
    expect(sent).toHaveLength(1);
    expect(sent[0].body?.attachments ?? []).toEqual([]);
    expect(textOf(sent[0])).toBe(
      "You can't create customers with this bot. Ask the NOC lead (noc@example.net) to add you as a requester. You can still use: status, list, audit, help.",
    );
  });

  it('is refused on a form someone else opened, and nothing is created or stored', async () => {
    const { formId } = await w.openForm('new', 'personal', APPROVER);
    const answer = await w.submit(formId, validForm('AcmeNotMine'));
    expect(answer.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
    expect(JSON.stringify(answer.body)).toContain("You can't create customers with this bot");
    expect(w.creates()).toBe(0);
    const again = await w.submit(formId, validForm('AcmeNotMine'));
    expect(JSON.stringify(again.body)).not.toMatch(/REQ-/);
  });

  it('sees in help only the commands they may run, and no New customer button', async () => {
    const from = w.connector.sent.length;
    await w.bot.post(personalMessage('help', { serviceUrl: w.connector.url }));
    const help = cardJson(sentSince(w, from)[0]);
    expect(help).toContain('not a requester here');
    expect(help).not.toContain('shortName=Acme');
    expect(help).not.toContain('New customer');
    // An approver may always request: their help offers the form.
    const approverFrom = w.connector.sent.length;
    await w.bot.post(personalMessage('help', { serviceUrl: w.connector.url, user: APPROVER }));
    const approverHelp = cardJson(sentSince(w, approverFrom)[0]);
    expect(approverHelp).toContain('shortName=Acme');
    expect(approverHelp).toContain('New customer');
  });
});

describe('admins, and what others are not told', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ env: { ADMINS: APPROVER.aadObjectId } });
  });
  afterAll(async () => w.stop());

  it('names the customer that owns a Microsoft tenant to admins only', async () => {
    const first = await w.openForm();
    await w.submit(first.formId, validForm('AcmeOwner', { msTenantId: TEST_TENANTS.fabrikam.domain }));
    await w.waitForCard(first.formId, 'Customer deployed');

    const user = await w.openForm();
    const plain = JSON.stringify((await w.submit(user.formId, validForm('AcmeTry1', { msTenantId: TEST_TENANTS.fabrikam.guid }))).body.value);
    expect(plain).toContain('already has a customer in Live Platform');
    expect(plain).not.toContain('AcmeOwner');

    const admin = await w.openForm('new', 'personal', APPROVER);
    const named = await w.submit(admin.formId, validForm('AcmeTry2', { msTenantId: TEST_TENANTS.fabrikam.guid }), { user: APPROVER });
    expect(JSON.stringify(named.body.value)).toContain("already belongs to customer 'AcmeOwner'");
    expect(w.creates()).toBe(1);
  });
});

describe('card actions on a queued request', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ env: { MAX_CONCURRENT_DEPLOYMENTS: '1', APPROVAL_POLICY: 'none' }, sandbox: { stepMs: 250 } });
  });
  afterAll(async () => w.stop());

  it('refuse a card naming a request of another conversation, and anyone but the requester, approvers and admins', async () => {
    const blocker = await w.openForm();
    await w.submit(blocker.formId, validForm('AcmeBlock'));
    const { formId, conversationId } = await w.openForm('new', 'channel');
    const answer = await w.submit(formId, validForm('AcmeQueued'), { where: 'channel', conversationId });
    const queued = JSON.stringify(answer.body.value);
    expect(queued).toContain('Queued — position 1');
    const requestId = /REQ-[A-Z0-9]{6}/.exec(queued)![0];
    const cancel = (over: { conversationId?: string; where?: 'channel' | 'groupChat' | 'personal'; user?: Partial<TestUser> }) =>
      w.bot.post(
        actionExecuteInvoke(
          'request.cancel',
          { verb: 'request.cancel', requestId },
          { serviceUrl: w.connector.url, replyToId: formId, where: over.where ?? 'channel', conversationId: over.conversationId, user: over.user },
        ),
      );

    // The same request id, clicked on a card in another conversation: forged or stale, refused.
    const elsewhere = await cancel({ where: 'groupChat', conversationId: GROUP_CHAT_ID });
    expect(elsewhere.body).toMatchObject({ statusCode: 400, value: { message: expect.stringContaining('another conversation') } });
    // In the right channel, but neither the requester nor an approver or admin.
    const other = await cancel({ conversationId, user: OUTSIDER });
    expect(other.body).toMatchObject({ statusCode: 400, value: { message: expect.stringContaining('Only the requester, approvers and admins can cancel') } });
    // A request id nobody issued.
    const unknown = await w.bot.post(
      actionExecuteInvoke('request.cancel', { requestId: 'REQ-ZZZZZZ' }, { serviceUrl: w.connector.url, replyToId: formId, where: 'channel', conversationId }),
    );
    expect(unknown.body).toMatchObject({ statusCode: 400, value: { message: "There is no request REQ-ZZZZZZ. Check the id on the request's card." } });

    const mine = await cancel({ conversationId, user: USER });
    expect(JSON.stringify((mine.body as { value: unknown }).value)).toContain('Cancelled by Megan Bowen');
    await w.waitForCard(formId, 'Cancelled by Megan Bowen');
    await w.waitForCard(blocker.formId, 'Customer deployed');
    expect(w.sandbox.deploymentOrder()).toEqual(['AcmeBlock']);
    // Too late: a deployed request cannot be cancelled, and its card says why.
    const late = await w.bot.post(
      actionExecuteInvoke(
        'request.cancel',
        { requestId: /REQ-[A-Z0-9]{6}/.exec(cardJson(w.connector.edits(blocker.formId).at(-1)))![0] },
        { serviceUrl: w.connector.url, replyToId: blocker.formId },
      ),
    );
    expect(late.body).toMatchObject({ statusCode: 400, value: { message: expect.stringMatching(/has already ended \(deployed\)/) } });
  });
});

describe('per-user limits', () => {
  const clock = shiftableClock();
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ env: { COMMAND_LIMIT_PER_MINUTE: '3', CREATE_LIMIT_PER_HOUR: '2' }, clock });
  });
  afterAll(async () => w.stop());
  beforeEach(() => (clock.offsetMs += 2 * 3_600_000));

  it('refuse commands over the per-minute limit, tell it once, and recover a minute later', async () => {
    const user = { serviceUrl: w.connector.url, user: OUTSIDER };
    const from = w.connector.sent.length;
    for (let i = 0; i < 6; i++) await w.bot.post(personalMessage('help', user));
    const sent = sentSince(w, from);
    expect(sent.filter((c) => c.body?.attachments?.length)).toHaveLength(3);
    const refusals = sent.filter((c) => /faster than I take them \(at most 3 a minute\)\. Try again in \d+ seconds\./.test(textOf(c)));
    expect(refusals).toHaveLength(1);
    const click = await w.bot.post(actionExecuteInvoke('form.open', {}, { ...user, replyToId: '1800000000002' }));
    expect(click.body).toMatchObject({ statusCode: 400, value: { message: expect.stringContaining('Try again in') } });
    // Another person is not held back by this one.
    const other = w.connector.sent.length;
    await w.bot.post(personalMessage('help', { serviceUrl: w.connector.url, user: APPROVER }));
    expect(sentSince(w, other)[0].body?.attachments?.length).toBe(1);

    clock.offsetMs += 61_000;
    const later = w.connector.sent.length;
    await w.bot.post(personalMessage('help', user));
    expect(sentSince(w, later)[0].body?.attachments?.length).toBe(1);
  });

  it('refuse a create over the per-hour limit with nothing stored, and take it again an hour later', async () => {
    const forms: string[] = [];
    for (let i = 0; i < 3; i++) forms.push((await w.openForm('new', 'personal', APPROVER)).formId);
    clock.offsetMs += 61_000;
    for (const [i, name] of ['AcmeLimit1', 'AcmeLimit2'].entries()) {
      expect(JSON.stringify((await w.submit(forms[i], validForm(name), { user: APPROVER })).body.value)).toMatch(/REQ-/);
      await w.waitForCard(forms[i], 'Customer deployed');
      clock.offsetMs += 61_000; // keeps the command limit out of this test
    }
    const formId = forms[2];
    const refused = JSON.stringify((await w.submit(formId, validForm('AcmeLimit3'), { user: APPROVER })).body.value);
    expect(refused).toMatch(/You have submitted 2 requests in the last hour, the most this bot takes from one person\. Try again in \d+ minutes\./);
    expect(refused).not.toMatch(/REQ-/);
    expect(refused).toContain('Create customer'); // the form stays, so the click can be repeated later
    expect(w.creates()).toBe(2);
    // Opening another form says so at once.
    const from = w.connector.sent.length;
    await w.bot.post(personalMessage('new', { serviceUrl: w.connector.url, user: APPROVER }));
    expect(textOf(sentSince(w, from)[0])).toMatch(/Try again in \d+ minutes/);

    clock.offsetMs += 3_600_000;
    const accepted = await w.submit(formId, validForm('AcmeLimit3'), { user: APPROVER });
    expect(JSON.stringify(accepted.body.value)).toMatch(/REQ-/);
    await w.waitForCard(formId, 'Customer deployed');
    expect(w.creates()).toBe(3);
  });
});

describe('the queue in front of Live Platform', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ env: { MAX_CONCURRENT_DEPLOYMENTS: '2', APPROVAL_POLICY: 'none' }, sandbox: { stepMs: 150 } });
  });
  afterAll(async () => w.stop());

  it('with a cap of 2 and five submits at once, never lets Live Platform run more than 2, starts them in the order accepted, and shows each card its place', async () => {
    const names = ['AcmeQ1', 'AcmeQ2', 'AcmeQ3', 'AcmeQ4', 'AcmeQ5'];
    const forms: { name: string; formId: string; conversationId: string }[] = [];
    for (const name of names) forms.push({ name, ...(await w.openForm(`new shortName=${name}`, 'channel')) });
    const answers = await Promise.all(forms.map((f) => w.submit(f.formId, validForm(f.name), { where: 'channel', conversationId: f.conversationId })));
    // Two start at once; the three others are told their place, 1 to 3, in the order they were accepted.
    const placeOf = answers.map((a) => Number(/Queued — position (\d)/.exec(JSON.stringify(a.body.value))?.[1] ?? 0));
    expect([...placeOf].sort()).toEqual([0, 0, 1, 2, 3]);
    for (const f of forms) await w.waitForCard(f.formId, 'Customer deployed', 20_000);

    expect(w.sandbox.maxConcurrentDeployments()).toBe(2);
    expect(w.creates()).toBe(5);
    const order = w.sandbox.deploymentOrder();
    const byPlace = (p: number) => forms[placeOf.indexOf(p)].name;
    expect(order.slice(0, 2).sort()).toEqual(
      forms
        .filter((_, i) => placeOf[i] === 0)
        .map((f) => f.name)
        .sort(),
    );
    expect(order.slice(2)).toEqual([byPlace(1), byPlace(2), byPlace(3)]);
    // The last in line waited at position 3, then moved up on its own card, never back. (The two
    // ahead of it finish within milliseconds of each other: a place held that briefly may be
    // coalesced into the next edit, as the card updater does with any burst.)
    const last = w.connector.edits(forms[placeOf.indexOf(3)].formId).map(cardJson);
    const positions = last.flatMap((c) => [...c.matchAll(/Queued — position (\d)/g)].map((m) => Number(m[1])));
    expect(positions[0]).toBe(3);
    expect(positions).toEqual([...positions].sort((a, b) => b - a));
    expect(cardJson(w.connector.edits(forms[placeOf.indexOf(3)].formId).at(-1))).toContain('Customer deployed');
    // The card said why it waits, and offered a way out while nothing was sent.
    expect(last.find((c) => c.includes('Queued — position 3'))).toMatch(/at most 2 customers at once.*Cancel request/);
  });
});

describe('in a channel, the refusal to a non-requester', () => {
  it('tells them to mention the bot for what they may still do', async () => {
    const w = await startWorld({ env: { REQUESTERS: 'aad-someone-else' } });
    try {
      const from = w.connector.sent.length;
      await w.bot.post(channelMention('new', { serviceUrl: w.connector.url }));
      expect(textOf(sentSince(w, from)[0])).toMatch(/You can still use: @Bot status, @Bot list, @Bot audit, @Bot help\.$/);
    } finally {
      await w.stop();
    }
  });
});
