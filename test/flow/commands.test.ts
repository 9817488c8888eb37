import { actionExecuteInvoke, APPROVER, channelMention, personalConversationId, personalMessage, USER, type TestUser, type Where } from '../helpers/activities';
import type { RecordedCall } from '../helpers/fake-connector';
import { cardJson, startWorld, validForm, type World } from '../helpers/world';

/**
 * The commands over a request's whole life, over HTTP with the real bot, the Live Platform sandbox
 * and a stub Bot Connector: status, list, cancel, retry, audit, Fix and resubmit, in a personal
 * chat and in a channel (after an @mention).
 */
const OTHER: TestUser = { id: '29:1user-lynne-robbins', name: 'Lynne Robbins', aadObjectId: 'aad-lynne-robbins' };
const OUTSIDER: TestUser = { id: '29:1user-isaiah-langer', name: 'Isaiah Langer', aadObjectId: 'aad-isaiah-langer' };
const PORTAL = 'https://portal.example.net/#/customers/{customerGuid}';

type Answer = { statusCode?: number; type?: string; value?: unknown };
const textOf = (c: RecordedCall | undefined) => String(c?.body?.text ?? '');
const buttons = (card: unknown) => ((card as { actions?: { title: string }[] })?.actions ?? []).map((a) => a.title);
const requestIdIn = (s: string) => /REQ-[A-Z0-9]{6}/.exec(s)![0];

describe('commands over a request’s whole life', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({
      env: {
        REQUESTERS: `${USER.aadObjectId},${OTHER.aadObjectId}`,
        APPROVERS: APPROVER.aadObjectId,
        CREATE_LIMIT_PER_HOUR: '0',
        COMMAND_LIMIT_PER_MINUTE: '0',
        UMP_PORTAL_URL: PORTAL,
      },
      sandbox: { stepMs: 20 },
    });
  });
  afterAll(async () => w.stop());

  /** Types `text` where asked (a channel message mentions the bot first) and returns what the bot posted. */
  async function say(text: string, where: Where = 'personal', user: TestUser = USER): Promise<RecordedCall[]> {
    const from = w.connector.sent.length;
    const o = { serviceUrl: w.connector.url, user };
    const res = await w.bot.post(where === 'channel' ? channelMention(text, o) : personalMessage(text, o));
    expect(res.status).toBe(200);
    return w.connector.sent.slice(from).filter((c) => c.kind !== 'edit' && c.kind !== 'unknown' && c.body?.type !== 'typing');
  }
  const cardOf = (calls: RecordedCall[]) => calls.find((c) => c.body?.attachments?.length)?.body?.attachments?.[0]?.content;
  const saidText = (calls: RecordedCall[]) => calls.map(textOf).join('\n');

  async function click(
    verb: string,
    data: Record<string, unknown>,
    card: { messageId: string; conversationId: string },
    user: TestUser = USER,
    where: Where = 'personal',
  ) {
    const from = w.connector.sent.length;
    const activity = actionExecuteInvoke(
      verb,
      { verb, ...data },
      { serviceUrl: w.connector.url, replyToId: card.messageId, where, conversationId: card.conversationId, user },
    );
    const answer = (await w.bot.post(activity)).body as Answer;
    return { answer, posted: w.connector.sent.slice(from).filter((c) => c.kind !== 'edit' && c.kind !== 'unknown' && c.body?.type !== 'typing') };
  }

  /** A valid request from a fresh form where asked; its card's message and id. */
  async function request(shortName: string, where: Where = 'personal', user: TestUser = USER, over: Record<string, unknown> = {}) {
    const { formId, conversationId } = await w.openForm(`new shortName=${shortName}`, where, user);
    const answer = (await w.submit(formId, validForm(shortName, over), { where, conversationId, user })).body;
    return { messageId: formId, conversationId, id: requestIdIn(JSON.stringify(answer)), answer };
  }

  it('help lists what each role may run here, each with an example; new and /new and @mention all work', async () => {
    const requesterHelp = JSON.stringify(cardOf(await say('help')));
    for (const c of ['new', 'status', 'list', 'cancel', 'retry', 'audit', 'help']) expect(requesterHelp).toContain(`"text":"${c}`);
    expect(requesterHelp).toContain('e.g. status REQ-7K3F9Q');
    expect(requesterHelp).toContain('e.g. list mine failed');
    const outsiderHelp = JSON.stringify(cardOf(await say('/HELP', 'channel', OUTSIDER)));
    expect(outsiderHelp).toContain('"text":"@Bot status');
    expect(outsiderHelp).toContain('"text":"@Bot audit');
    for (const c of ['new', 'cancel', 'retry']) expect(outsiderHelp).not.toContain(`"text":"@Bot ${c}`);
    // Teams' HTML and non-breaking spaces, a leading slash, any case.
    expect(saidText(await say('<p>sta&nbsp;REQ-AAAAAA</p>'))).toContain('Did you mean **status**?');
    expect(saidText(await say('/Lisst'))).toContain('Did you mean **list**?');
  });

  it('status of a bot-made request, by id or by short name, in a personal chat and in a channel: a snapshot without buttons', async () => {
    const r = await request('AcmeStat');
    await w.waitForCard(r.messageId, 'Customer deployed');
    for (const [text, where] of [
      [`status ${r.id}`, 'personal'],
      [`/STATUS acmestat`, 'personal'],
      [`status\u00a0${r.id.toLowerCase()}`, 'channel'],
    ] as const) {
      const card = cardOf(await say(text, where));
      const json = JSON.stringify(card);
      expect(json).toContain('Deployed: AcmeStat');
      expect(json).toContain('Snapshot at');
      expect(json).not.toContain('Pa55-Carrier-Secret!');
      expect(buttons(card)).toEqual(['Open in Live Platform']);
    }
    // Someone else's request, seen from another conversation, is not shown to an outsider.
    expect(saidText(await say(`status ${r.id}`, 'personal', OUTSIDER))).toContain("You can't see that request.");
  });

  it('status of a customer the bot did not create: what Live Platform reports; unknown names say so', async () => {
    const card = cardOf(await say('status FabrikamVoice', 'channel'));
    const json = JSON.stringify(card);
    expect(json).toContain('Live Platform: FabrikamVoice');
    expect(json).toContain('Not created by this bot');
    expect(json).toContain('"title":"Deployment state","value":"Deployed"');
    expect(json).toMatch(/"title":"Site [^"]+","value":"SBC 6 · Deployed"/);
    // Only admins learn whose Microsoft tenant it is.
    expect(json).not.toContain('22222222-2222-4222-8222-222222222222');
    expect(buttons(card)).toEqual(['Open in Live Platform']);
    expect(saidText(await say('status NoSuchCo9'))).toContain('Live Platform lists no customer with that short name');
    expect(saidText(await say('status FabrikamVoice', 'personal', OUTSIDER))).toContain('Only requesters, approvers and admins can look customers up');
    expect(saidText(await say('status'))).toContain('Say which request or customer');
  });

  it("list shows this conversation's requests newest first, filters them, and pages with More", async () => {
    const conversationId = personalConversationId(OTHER);
    const made: string[] = [];
    for (let i = 1; i <= 10; i++) made.push((await request(`AcmeList${i}`, 'personal', OTHER)).id);
    const first = await say('list', 'personal', OTHER);
    const page1 = cardOf(first) as { actions: { title: string; data: Record<string, string> }[] };
    const ids = (card: unknown) => [...JSON.stringify(card).matchAll(/REQ-[A-Z0-9]{6}/g)].map((m) => m[0]).filter((v, i, a) => a.indexOf(v) === i);
    expect(ids(page1)).toEqual(made.slice(2).reverse());
    expect(JSON.stringify(page1)).toContain('Lynne Robbins');
    expect(buttons(page1)).toEqual(['More']);
    const more = await click('requests.more', page1.actions[0].data, { messageId: first[0].responseId!, conversationId }, OTHER);
    expect(more.answer.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(ids(more.answer.value)).toEqual([made[1], made[0]]);
    expect(buttons(more.answer.value)).toEqual(['Newest']);
    // Another conversation's list does not show them.
    expect(ids(cardOf(await say('list')))).not.toContain(made[0]);
    expect(saidText(await say('list sideways', 'personal', OTHER))).toContain('I don\'t know the filter "sideways". Filters: mine,');
    const mine = JSON.stringify(cardOf(await say('list mine running', 'personal', OTHER)));
    expect(mine).toContain('Requests here: mine running');
  });

  it('cancel: the requester and approvers may stop a request not yet sent; nobody may cancel one that reached Live Platform', async () => {
    const r = await request('AcmeCancel', 'channel');
    expect(JSON.stringify(r.answer)).toContain('Waiting for approval');
    expect(saidText(await say(`cancel ${r.id}`, 'channel', OUTSIDER))).toContain('Only the requester, approvers and admins can cancel a request.');
    expect(saidText(await say(`cancel ${r.id}`, 'channel', OTHER))).toContain('Only the requester, approvers and admins can cancel a request.');
    expect(saidText(await say(`cancel ${r.id} wrong SBC`, 'channel'))).toContain(`Cancelled ${r.id} (AcmeCancel). Nothing was sent to Live Platform`);
    const card = await w.waitForCard(r.messageId, 'Cancelled by Megan Bowen');
    expect(cardJson(card)).toContain('wrong SBC');
    expect(saidText(await say(`cancel ${r.id}`, 'channel'))).toContain('has already ended (cancelled)');
    const sent = await request('AcmeCancel2');
    await w.waitForCard(sent.messageId, 'Customer deployed');
    expect(saidText(await say(`cancel ${sent.id}`, 'personal', APPROVER))).toContain('has already ended (deployed)');
    expect(saidText(await say('cancel REQ-NOPE99'))).toContain('There is no request REQ-NOPE99.');
    expect(saidText(await say('cancel'))).toContain('Give a request id, e.g. REQ-7K3F9Q.');
    expect(w.sandbox.deploymentOrder()).not.toContain('AcmeCancel');
  });

  it('retry: only for a request that ended without creating anything, only by its requester; a new request linked to it', async () => {
    const deployed = await request('AcmeRetryDone');
    await w.waitForCard(deployed.messageId, 'Customer deployed');
    expect(saidText(await say(`retry ${deployed.id}`))).toContain('is deployed: the customer exists. There is nothing to retry.');
    const waiting = await request('AcmeRetryWait', 'channel');
    expect(saidText(await say(`retry ${waiting.id}`, 'channel'))).toContain('is still in progress (awaiting approval)');
    await say(`cancel ${waiting.id}`, 'channel');
    expect(saidText(await say(`retry ${waiting.id}`, 'channel', OTHER))).toContain('Only the requester and admins can retry a request.');
    const formCalls = await say(`retry ${waiting.id}`, 'channel');
    const form = JSON.stringify(cardOf(formCalls));
    expect(form).toContain('New Essentials customer');
    expect(form).toContain(`Resubmitting ${waiting.id}`);
    expect(form).toContain('"id":"shortName"');
    expect(form).toContain('"value":"AcmeRetryWait"');
    expect(form).toContain('"value":"acme-trunk"');
    expect(form).toContain('Enter Carrier password again');
    expect(form).not.toContain('Pa55-Carrier-Secret!');
    expect(form).toContain(`"retryOf":"${waiting.id}"`);
  });

  it('a Live Platform field error shows on the card; Fix and resubmit reopens the form with the error at its field and ends in one create of the corrected customer', async () => {
    // HiddenCo exists at Live Platform but is not in the customer list: the bot cannot see it in advance.
    const r = await request('HiddenCo');
    const failedCard = await w.waitForCard(r.messageId, 'Failed: HiddenCo');
    const failed = JSON.parse(cardJson(failedCard));
    expect(JSON.stringify(failed)).toContain('"title":"Short name","value":"A customer with the short name \'HiddenCo\' already exists."');
    expect(buttons(failed)).toEqual(['Fix and resubmit']);

    const fix = await click('request.retry', { requestId: r.id }, r);
    // The failed card stays the record; the form comes as a new message.
    expect(JSON.stringify(fix.answer.value)).toContain('Failed: HiddenCo');
    const formCall = fix.posted.find((c) => c.body?.attachments?.length)!;
    const form = JSON.stringify(formCall.body!.attachments![0].content);
    expect(form).toContain("A customer with the short name 'HiddenCo' already exists.");
    expect(form).toContain(`"retryOf":"${r.id}"`);
    // A second Fix click opens a second form; only one of them may resubmit.
    const fix2 = await click('request.retry', { requestId: r.id }, r);
    const form2Id = fix2.posted.find((c) => c.body?.attachments?.length)!.responseId!;

    const createsBefore = w.creates();
    const corrected = validForm('HiddenCo2', { retryOf: r.id });
    const answer = (await w.submit(formCall.responseId!, corrected)).body;
    const newId = requestIdIn(JSON.stringify(answer));
    expect(newId).not.toBe(r.id);
    expect(JSON.stringify(answer)).toContain(`"title":"Resubmits","value":"${r.id}"`);
    // The same form clicked again is the same request.
    expect(requestIdIn(JSON.stringify((await w.submit(formCall.responseId!, corrected)).body))).toBe(newId);
    await w.waitForCard(formCall.responseId!, 'Customer deployed');
    await w.waitForCard(r.messageId, `Resubmitted as`);
    const again = (await w.submit(form2Id, validForm('HiddenCo3', { retryOf: r.id }))).body;
    expect(JSON.stringify(again)).toContain(`${r.id} was already resubmitted as ${newId}`);
    const createdNames = w.sandbox
      .requests()
      .filter((q) => q.route === 'createCustomer')
      .slice(createsBefore)
      .map((q) => (q.body as { shortName?: string } | undefined)?.shortName);
    expect(createdNames).toEqual(['HiddenCo2']);

    // The old one cannot be retried twice; the trail links both ways.
    expect(saidText(await say(`retry ${r.id}`))).toContain(`was already resubmitted as ${newId}`);
    const oldTrail = JSON.stringify(cardOf(await say(`audit ${r.id}`)));
    expect(oldTrail).toContain(`as ${newId}`);
    const newTrail = JSON.stringify(cardOf(await say(`audit ${newId}`)));
    expect(newTrail).toContain(`resubmits ${r.id}`);
  });

  it('audit tells the trail with times and people: requested, validated, approved, queued, sent, each step, the end; the requester is told', async () => {
    const r = await request('AcmeAudit', 'channel');
    const approve = await click('request.approve', { requestId: r.id }, r, APPROVER, 'channel');
    expect(JSON.stringify(approve.answer)).toContain('Approved by Adele Vance');
    await w.waitForCard(r.messageId, 'Customer deployed');
    const told = await w.connector.waitFor((c) => c.conversationId === r.conversationId && /AcmeAudit\) is deployed/.test(textOf(c)), 5_000);
    expect(textOf(told)).toMatch(/^<at>Megan Bowen<\/at>, REQ-[A-Z0-9]{6} \(AcmeAudit\) is deployed/);
    const card = cardOf(await say(`audit ${r.id}`, 'channel'));
    const json = JSON.stringify(card);
    const order = [
      'Requested** · Megan Bowen',
      'Validated** · the bot',
      'Waiting for approval**',
      'Approved** · Adele Vance',
      'Queued**',
      'Left the queue**',
      'Sent to Live Platform**',
      'Accepted by Live Platform**',
      'Step (Information)** · Live Platform',
      'Deployed**',
    ];
    const at = order.map((o) => json.indexOf(o));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(json).toMatch(/"text":"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"/);
    expect(json).not.toContain('Pa55-Carrier-Secret!');
    expect(saidText(await say(`audit ${r.id}`, 'personal', OUTSIDER))).toContain("You can't see that request.");
  });
});
