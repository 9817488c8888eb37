import { cardOf, cardText, Playground, StreamMessage } from '../helpers/playground';
import { PLAYGROUND_USERS, usePlaygroundWorld } from '../helpers/playground-world';
import type { InvokeResponse } from '../helpers/playground-cards';
import { Backends, nextTenant } from '../helpers/world';

/**
 * The four-eyes rules in Microsoft's Teams emulator, over its API, which can act as any of its test
 * users: Alex Wilber (the current user) and Megan Bowen are approvers, Adele Vance is not.
 */
describe('approvals in the Agents Playground', () => {
  // Alex Wilber is the Playground's current user; the bot needs the approvers before it starts.
  const world = usePlaygroundWorld(100, {
    UMP_POLL_INTERVAL_MS: '50',
    APPROVERS: `${PLAYGROUND_USERS.alex},${PLAYGROUND_USERS.megan}`,
  });
  let pg: Playground;
  let backends: Backends;
  beforeAll(() => ({ pg, backends } = world));

  const user = (name: string) => pg.users.find((u) => u.name === name)!;
  const errorOf = (a: InvokeResponse) => (a.type === 'application/vnd.microsoft.error' ? String((a.value as { message?: unknown }).message) : '');
  const buttons = (a: InvokeResponse) => ((cardOf(a)?.actions as { title: string }[] | undefined) ?? []).map((b) => b.title);

  it('a channel request waits; a non-approver and the requester cannot approve; another approver can, and the card deploys', async () => {
    expect(user('Alex Wilber').aadObjectId).toBe('00000000-0000-0000-0000-0000000000020');
    const since = pg.cursor();
    await pg.sendMessage(pg.channel, 'new');
    const formMsg = await pg.waitForMessage((m) => cardText(cardOf(m)).includes('New Essentials customer'), 15_000, { since });
    const waiting = await pg.pressButton(formMsg, 'Create customer', {
      inputs: {
        shortName: 'PgApprove',
        msTenantId: nextTenant(),
        ovocCustomerType: 'IPGROUP_TYPE',
        sbcId: '5',
        sbcOnboardingScript: '7',
        sbcCleanupScript: 'auto',
      },
    });
    expect(cardText(cardOf(waiting))).toContain('Waiting for approval: PgApprove');
    expect(buttons(waiting)).toEqual(['Show my actions']);
    const shared: StreamMessage = await pg.waitForUpdate(formMsg.messageId, (m) => cardText(cardOf(m)).includes('Waiting for approval'), 10_000);

    // Adele is no approver: her view has no buttons, and a direct approve is refused.
    const adele = user('Adele Vance').id;
    const adeleView = await pg.pressButton(shared, 'Show my actions', { as: adele });
    expect(buttons(adeleView)).toEqual([]);
    expect(cardText(cardOf(adeleView))).toContain('Only approvers can approve or reject this request.');
    // Alex (the requester, an approver) sees Reject and Cancel, not Approve: four eyes.
    const alexView = await pg.pressButton(shared, 'Show my actions');
    expect(buttons(alexView)).toEqual(['Reject', 'Cancel request']);
    const meganView = await pg.pressButton(shared, 'Show my actions', { as: user('Megan Bowen').id });
    expect(buttons(meganView)).toEqual(['Approve', 'Reject']);
    // A button of Megan's view, pressed by Adele and by Alex: refused by the bot, whatever the card offered.
    expect(errorOf(await pg.pressButton(shared, 'Approve', { card: meganView, as: adele }))).toMatch(/^Only approvers can approve requests/);
    expect(errorOf(await pg.pressButton(shared, 'Approve', { card: meganView }))).toBe(
      "You can't approve your own request: another approver has to decide it.",
    );
    expect(backends.sandbox.deploymentOrder()).not.toContain('PgApprove');

    const approved = await pg.pressButton(shared, 'Approve', { card: meganView, as: user('Megan Bowen').id });
    expect(cardText(cardOf(approved))).toContain('Approved by Megan Bowen');
    const final = await pg.waitForUpdate(formMsg.messageId, (m) => cardText(cardOf(m)).includes('Customer deployed'), 20_000);
    expect(cardText(cardOf(final))).toContain('Approved by Megan Bowen');
    // Alex is told in the thread, with a mention, of the approval and of the end.
    const told = await pg.waitForMessage((m) => (m.text ?? '').includes('PgApprove) is deployed'), 10_000, { since });
    expect(told.text).toContain('<at>Alex Wilber</at>');
    expect(backends.sandbox.deploymentOrder().filter((n) => n === 'PgApprove')).toHaveLength(1);
  }, 60_000);

  it('a rejection needs a reason and ends the request', async () => {
    const since = pg.cursor();
    await pg.sendMessage(pg.groupChat, 'new');
    const formMsg = await pg.waitForMessage((m) => cardText(cardOf(m)).includes('New Essentials customer'), 15_000, { since });
    await pg.pressButton(formMsg, 'Create customer', {
      inputs: {
        shortName: 'PgReject',
        msTenantId: nextTenant(),
        ovocCustomerType: 'IPGROUP_TYPE',
        sbcId: '5',
        sbcOnboardingScript: '7',
        sbcCleanupScript: 'auto',
      },
    });
    const shared = await pg.waitForUpdate(formMsg.messageId, (m) => cardText(cardOf(m)).includes('Waiting for approval'), 10_000);
    const megan = user('Megan Bowen').id;
    const view = await pg.pressButton(shared, 'Show my actions', { as: megan });
    expect(errorOf(await pg.pressButton(shared, 'Reject', { card: view, as: megan }))).toMatch(/Give a reason/);
    const rejected = await pg.pressButton(shared, 'Reject', { card: view, as: megan, inputs: { rejectReason: 'Duplicate of another request' } });
    expect(cardText(cardOf(rejected))).toContain('Rejected by Megan Bowen');
    await pg.waitForUpdate(formMsg.messageId, (m) => cardText(cardOf(m)).includes('Duplicate of another request'), 10_000);
    await pg.waitForMessage((m) => (m.text ?? '').includes('was rejected by Megan Bowen: Duplicate of another request'), 10_000, { since });
    expect(backends.sandbox.deploymentOrder()).not.toContain('PgReject');
  }, 60_000);
});
