import { actionExecuteInvoke, APPROVER, channelMention, personalConversationId, personalMessage, USER, type TestUser, type Where } from '../helpers/activities';
import type { RecordedCall } from '../helpers/fake-connector';
import { cardJson, startWorld, validForm, type World } from '../helpers/world';

/** A second approver (four eyes on Adele's own requests, and two clicks at once). */
const APPROVER2: TestUser = { id: '29:1user-lynne-robbins', name: 'Lynne Robbins', aadObjectId: 'aad-lynne-robbins' };
const OUTSIDER: TestUser = { id: '29:1user-isaiah-langer', name: 'Isaiah Langer', aadObjectId: 'aad-isaiah-langer' };
const APPROVERS = `${APPROVER.aadObjectId},${APPROVER2.aadObjectId}`;
const APPROVAL_CHANNEL = '19:approvers@thread.tacv2';

type Answer = { statusCode?: number; type?: string; value?: unknown };
const text = (a: Answer) => JSON.stringify(a.value ?? a);
const requestIdOf = (a: Answer) => /REQ-[A-Z0-9]{6}/.exec(text(a))![0];
const buttons = (a: Answer) => ((a.value as { actions?: { title: string }[] })?.actions ?? []).map((x) => x.title);

/** Opens the form where asked, submits a valid one, returns the request's card message, its id and the answer. */
async function request(w: World, shortName: string, where: Where = 'channel', user: TestUser = USER) {
  const { formId, conversationId } = await w.openForm(`new shortName=${shortName}`, where, user);
  const answer = (await w.submit(formId, validForm(shortName), { where, conversationId, user })).body;
  return { formId, conversationId, answer, id: requestIdOf(answer) };
}

/** A click on a request's card (Action.Execute), as `user`, in that card's conversation. */
async function click(
  w: World,
  verb: string,
  card: { formId: string; conversationId: string; id: string },
  user: TestUser,
  extra: Record<string, unknown> = {},
  where: Where = 'channel',
) {
  const activity = actionExecuteInvoke(
    verb,
    { verb, requestId: card.id, ...extra },
    { serviceUrl: w.connector.url, replyToId: card.formId, where, conversationId: card.conversationId, user },
  );
  return (await w.bot.post(activity)).body as Answer;
}

/** Messages (not cards) the bot posted into a conversation, e.g. the requester's notices. */
const notices = (w: World, conversationId: string): RecordedCall[] =>
  w.connector.replies().filter((c) => c.conversationId === conversationId && !c.body?.attachments?.length && typeof c.body?.text === 'string');

describe('approvals in team channels', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ env: { APPROVERS }, sandbox: { stepMs: 40 } });
  });
  afterAll(async () => w.stop());

  it('a channel request waits for approval, sends nothing to Live Platform, and shows each person their own view', async () => {
    // An approver who talked to the bot before is on the card's refresh list.
    await w.bot.post(channelMention('help', { serviceUrl: w.connector.url, user: APPROVER }));
    const r = await request(w, 'AcmeWait');
    expect(text(r.answer)).toContain('Waiting for approval: AcmeWait');
    expect(text(r.answer)).toMatch(/Waiting for an approver on this card; expires at \d\d:\d\d UTC/);
    // The shared card decides nothing: no Approve for anyone, a refresh for the people who may act.
    expect(buttons(r.answer)).toEqual(['Show my actions']);
    const refresh = (r.answer.value as { refresh: { action: { verb: string }; userIds: string[] } }).refresh;
    expect(refresh.action.verb).toBe('request.view');
    expect(refresh.userIds).toEqual(expect.arrayContaining([USER.id, APPROVER.id]));
    expect(text(r.answer)).not.toContain('CarrierUserPassword');
    expect(text(r.answer)).not.toContain('Pa55-Carrier-Secret!');

    const approverView = await click(w, 'request.view', r, APPROVER);
    expect(buttons(approverView)).toEqual(['Approve', 'Reject']);
    expect(text(approverView)).toContain('"id":"rejectReason"');
    const requesterView = await click(w, 'request.view', r, USER);
    expect(buttons(requesterView)).toEqual(['Cancel request']);
    expect(text(requesterView)).toContain('An approver decides this request; you can still cancel it.');
    const outsiderView = await click(w, 'request.view', r, OUTSIDER);
    expect(buttons(outsiderView)).toEqual([]);
    expect(text(outsiderView)).toContain('Only approvers can approve or reject this request.');
    // A refresh never edits the shared card.
    expect(w.connector.edits(r.formId).every((e) => !cardJson(e).includes('"Approve"'))).toBe(true);
    await new Promise((res) => setTimeout(res, 300));
    expect(w.creates()).toBe(0);
  });

  it('refuses a non-approver, and an approver approving their own request; nothing changes', async () => {
    const r = await request(w, 'AcmeSelf', 'channel', APPROVER);
    const outsider = await click(w, 'request.approve', r, OUTSIDER);
    expect(outsider).toMatchObject({ statusCode: 400, value: { message: expect.stringContaining('Only approvers can approve requests') } });
    const self = await click(w, 'request.approve', r, APPROVER);
    expect(self).toMatchObject({ statusCode: 400, value: { message: "You can't approve your own request: another approver has to decide it." } });
    const view = await click(w, 'request.view', r, APPROVER);
    expect(buttons(view)).toEqual(['Reject', 'Cancel request']);
    expect(text(view)).toContain("You can't approve your own request");
    expect(w.creates()).toBe(0);
    // Another approver may.
    const other = await click(w, 'request.approve', r, APPROVER2);
    expect(text(other)).toContain('Approved by Lynne Robbins');
    await w.waitForCard(r.formId, 'Customer deployed');
  });

  it('refuses a reject without a reason; with one, ends the request and tells the requester in the thread', async () => {
    const r = await request(w, 'AcmeNo');
    const bare = await click(w, 'request.reject', r, APPROVER, { rejectReason: '   ' });
    expect(bare).toMatchObject({ statusCode: 400, value: { message: expect.stringContaining('Give a reason for rejecting') } });
    const rejected = await click(w, 'request.reject', r, APPROVER, { rejectReason: 'Wrong SBC for this customer' });
    expect(text(rejected)).toContain('Rejected: AcmeNo');
    expect(text(rejected)).toContain('Rejected by Adele Vance at');
    expect(text(rejected)).toContain('Wrong SBC for this customer');
    await w.waitForCard(r.formId, 'Rejected by Adele Vance');
    const told = await w.connector.waitFor((c) => c.conversationId === r.conversationId && /was rejected by Adele Vance/.test(String(c.body?.text)), 5_000);
    expect(told.body?.text).toBe(
      `<at>Megan Bowen</at>, your request ${r.id} (AcmeNo) was rejected by Adele Vance: Wrong SBC for this customer. Nothing was created; submit a corrected request if it is still needed.`,
    );
    expect(told.body?.entities).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'mention', mentioned: { id: USER.id, name: 'Megan Bowen' } })]),
    );
    // Later clicks cannot bring it back.
    const late = await click(w, 'request.approve', r, APPROVER2);
    expect(text(late)).toContain('Rejected by Adele Vance');
    expect(w.sandbox.deploymentOrder()).not.toContain('AcmeNo');
  });

  it('an approval leads to exactly one create; the same card follows the deployment with the approval kept; the requester is told', async () => {
    const r = await request(w, 'AcmeYes');
    const approved = await click(w, 'request.approve', r, APPROVER);
    expect(text(approved)).toContain('Approved by Adele Vance at');
    const final = await w.waitForCard(r.formId, 'Customer deployed');
    expect(cardJson(final)).toContain('Approved by Adele Vance at');
    expect(w.sandbox.deploymentOrder().filter((n) => n === 'AcmeYes')).toHaveLength(1);
    await w.connector.waitFor((c) => c.conversationId === r.conversationId && String(c.body?.text).includes(`${r.id} (AcmeYes) is deployed`), 5_000);
    const told = notices(w, r.conversationId).map((c) => String(c.body?.text));
    expect(told.filter((t) => t.includes(r.id))).toEqual([
      `<at>Megan Bowen</at>, your request ${r.id} (AcmeYes) was approved by Adele Vance. It goes to Live Platform next; its card shows the progress.`,
      `<at>Megan Bowen</at>, ${r.id} (AcmeYes) is deployed: the customer is ready in Live Platform.`,
    ]);
  });

  it('two approvals at once give one decision and one create, and the second approver sees who decided', async () => {
    const r = await request(w, 'AcmeTwice');
    const [a, b] = await Promise.all([click(w, 'request.approve', r, APPROVER), click(w, 'request.approve', r, APPROVER2)]);
    const winner = /Approved by (Adele Vance|Lynne Robbins)/.exec(text(a))![1];
    expect(text(b)).toContain(`Approved by ${winner}`);
    await w.waitForCard(r.formId, 'Customer deployed');
    expect(w.sandbox.deploymentOrder().filter((n) => n === 'AcmeTwice')).toHaveLength(1);
    const approvedLines = w.bot.logs.filter((l) => l.includes('"msg":"request approved"') && l.includes(r.id));
    expect(approvedLines).toHaveLength(1);
  });

  it('lets the requester cancel while it waits; it can no longer be approved', async () => {
    const r = await request(w, 'AcmeStop');
    const cancelled = await click(w, 'request.cancel', r, USER);
    expect(text(cancelled)).toContain('Cancelled by Megan Bowen');
    const late = await click(w, 'request.approve', r, APPROVER);
    expect(text(late)).toContain('Cancelled by Megan Bowen');
    await w.waitForCard(r.formId, 'Cancelled by Megan Bowen');
    expect(w.sandbox.deploymentOrder()).not.toContain('AcmeStop');
  });
});

describe('expiry', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ env: { APPROVERS, APPROVAL_TTL: '2s' } });
  });
  afterAll(async () => w.stop());

  it('expires an undecided request on time, says so on the card, tells the requester, and refuses a late approval', async () => {
    const r = await request(w, 'AcmeLate');
    const card = await w.waitForCard(r.formId, 'Expired: AcmeLate', 10_000);
    expect(cardJson(card)).toContain('no approver decided within less than a minute');
    await w.connector.waitFor((c) => c.conversationId === r.conversationId && String(c.body?.text).includes(`${r.id} (AcmeLate) expired`), 5_000);
    const late = await click(w, 'request.approve', r, APPROVER);
    expect(text(late)).toContain('Expired: AcmeLate');
    expect(w.creates()).toBe(0);
  });

  it('keeps a waiting request across a restart: still approvable, and one left alone still expires on time', async () => {
    const kept = await request(w, 'AcmeKeep');
    const left = await request(w, 'AcmeLeft');
    await w.restartBot();
    const approved = await click(w, 'request.approve', kept, APPROVER);
    expect(text(approved)).toContain('Approved by Adele Vance');
    await w.waitForCard(kept.formId, 'Customer deployed');
    await w.waitForCard(left.formId, 'Expired: AcmeLeft', 10_000);
    expect(w.sandbox.deploymentOrder()).toEqual(['AcmeKeep']);
  });
});

describe('APPROVAL_POLICY=all: personal-chat requests are approved in the approvers channel', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ env: { APPROVERS, APPROVAL_POLICY: 'all', APPROVAL_CONVERSATION_ID: APPROVAL_CHANNEL }, sandbox: { stepMs: 40 } });
  });
  afterAll(async () => w.stop());

  it('posts the approval card there, keeps both cards in step to the end, and tells the requester in their chat', async () => {
    const r = await request(w, 'AcmeAll', 'personal');
    expect(text(r.answer)).toContain("Waiting for an approver in the approvers' channel");
    // In the requester's own chat the card offers Cancel; the approvers' card is read-only until refreshed.
    expect(buttons(r.answer)).toEqual(['Cancel request']);
    const posted = await w.connector.waitFor(
      (c) => (c.kind === 'send' || c.kind === 'reply') && c.conversationId === APPROVAL_CHANNEL && cardJson(c).includes('AcmeAll'),
      5_000,
    );
    expect(cardJson(posted)).toContain('Show my actions');
    const approvalCard = { formId: posted.responseId!, conversationId: APPROVAL_CHANNEL, id: r.id };

    // The requester's card cannot approve: a forged approve from their chat is refused (Megan is no approver anyway).
    const view = await click(w, 'request.view', approvalCard, APPROVER);
    expect(buttons(view)).toEqual(['Approve', 'Reject']);
    const approved = await click(w, 'request.approve', approvalCard, APPROVER);
    expect(text(approved)).toContain('Approved by Adele Vance');

    await w.waitForCard(r.formId, 'Customer deployed');
    const approvalFinal = await w.waitForCard(posted.responseId!, 'Customer deployed');
    expect(cardJson(approvalFinal)).toContain('Approved by Adele Vance');
    const personal = personalConversationId(USER);
    await w.connector.waitFor((c) => c.conversationId === personal && String(c.body?.text).includes('is deployed'), 5_000);
    const told = notices(w, personal).map((c) => String(c.body?.text));
    expect(told).toEqual([
      `Your request ${r.id} (AcmeAll) was approved by Adele Vance. It goes to Live Platform next; its card shows the progress.`,
      `${r.id} (AcmeAll) is deployed: the customer is ready in Live Platform.`,
    ]);
    expect(notices(w, personal).every((c) => !(c.body?.entities ?? []).some((e) => e.type === 'mention'))).toBe(true);
    expect(w.creates()).toBe(1);
  });

  it('refuses the approve button of the approval card when clicked from another conversation', async () => {
    const r = await request(w, 'AcmeForge', 'personal');
    const forged = await click(w, 'request.approve', { formId: r.formId, conversationId: '19:some-other@thread.tacv2', id: r.id }, APPROVER);
    expect(forged).toMatchObject({ statusCode: 400, value: { message: expect.stringContaining('another conversation') } });
    expect(w.sandbox.deploymentOrder()).not.toContain('AcmeForge');
  });
});

describe('a policy that needs approvers while none is configured', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ env: { ACCESS_CONTACT: 'the NOC lead' } });
  });
  afterAll(async () => w.stop());

  it('starts with a warning, refuses channel requests with the reason, and keeps personal chats working', async () => {
    expect(w.bot.logs.some((l) => l.includes('"level":40') && l.includes('APPROVERS is empty'))).toBe(true);
    const from = w.connector.sent.length;
    await w.bot.post(channelMention('new', { serviceUrl: w.connector.url }));
    const said = w.connector.sent.slice(from).map((c) => String(c.body?.text));
    expect(said).toEqual([
      "Requests made here need an approver's yes, and no approver is configured for this bot, so none can be accepted. Ask the NOC lead to set APPROVERS.",
    ]);
    const mine = await request(w, 'AcmeSolo', 'personal');
    expect(text(mine.answer)).not.toContain('Waiting for approval');
    await w.waitForCard(mine.formId, 'Customer deployed');
    await w.bot.post(personalMessage('help', { serviceUrl: w.connector.url }));
  });
});
