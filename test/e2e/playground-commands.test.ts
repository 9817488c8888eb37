import { cardOf, cardText, Playground, type StreamMessage } from '../helpers/playground';
import { usePlaygroundWorld } from '../helpers/playground-world';
import { Backends, nextTenant } from '../helpers/world';

/**
 * The commands over a request's whole life in Microsoft's Teams emulator, over its API: typed in the
 * personal chat and, after an @mention, in a team channel; More and Fix and resubmit pressed on the
 * cards the bot posted.
 */
describe('commands in the Agents Playground', () => {
  const world = usePlaygroundWorld(60, { UMP_POLL_INTERVAL_MS: '40', APPROVAL_POLICY: 'none', CREATE_LIMIT_PER_HOUR: '0', COMMAND_LIMIT_PER_MINUTE: '0' });
  let pg: Playground;
  let backends: Backends;
  beforeAll(() => ({ pg, backends } = world));

  const formOf = (shortName: string) => ({
    shortName,
    msTenantId: nextTenant(),
    ovocCustomerType: 'IPGROUP_TYPE',
    sbcId: '5',
    sbcOnboardingScript: '7',
    sbcCleanupScript: 'auto',
    CarrierUserPassword: 'Pg-Carrier-Secret-1',
  });
  const isCardWith = (text: string) => (m: StreamMessage) => cardText(cardOf(m)).includes(text);
  const requestIdOf = (s: string) => /REQ-[A-Z0-9]{6}/.exec(s)![0];

  /** Types a command and waits for the bot's answer: a card containing `expect`, or a text. */
  async function ask(conversationId: string, text: string, expected: string): Promise<StreamMessage> {
    const since = pg.cursor();
    await pg.sendMessage(conversationId, text);
    return pg.waitForMessage((m) => cardText(cardOf(m)).includes(expected) || (m.text ?? '').includes(expected), 15_000, { since });
  }

  async function create(conversationId: string, shortName: string) {
    const formMsg = await ask(conversationId, 'new', 'New Essentials customer');
    const answer = await pg.pressButton(formMsg, 'Create customer', { inputs: formOf(shortName) });
    return { formMsg, id: requestIdOf(cardText(cardOf(answer))) };
  }

  it('status, list, audit and cancel answer in the personal chat and, after a mention, in a channel', async () => {
    const made = await create(pg.personal, 'PgStatus');
    await pg.waitForUpdate(made.formMsg.messageId, isCardWith('Customer deployed'), 20_000);

    for (const where of [pg.personal, pg.channel]) {
      const status = await ask(where, `status ${made.id}`, 'Deployed: PgStatus');
      expect(cardText(cardOf(status))).toContain('Snapshot at');
      const foreign = await ask(where, '/status NorthwindTel', 'Live Platform: NorthwindTel');
      expect(cardText(cardOf(foreign))).toContain('Not created by this bot');
      const trail = await ask(where, `AUDIT ${made.id}`, `Audit trail: ${made.id}`);
      for (const step of ['Requested', 'Validated', 'Queued', 'Sent to Live Platform', 'Deployed']) expect(cardText(cardOf(trail))).toContain(step);
      const tooLate = await ask(where, `cancel ${made.id}`, 'has already ended (deployed)');
      expect(tooLate.text).toContain('there is nothing to cancel');
    }
    const list = await ask(pg.personal, 'list', 'Requests here');
    expect(cardText(cardOf(list))).toContain(made.id);
    // The channel has requests of its own only.
    const channelList = await ask(pg.channel, 'list', 'Requests here');
    expect(cardText(cardOf(channelList))).not.toContain(made.id);
  }, 90_000);

  it('list pages with More in a channel', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 9; i++) ids.push((await create(pg.channel, `PgPage${i}`)).id);
    const list = await ask(pg.channel, 'list', 'Requests here');
    const page1 = cardText(cardOf(list));
    for (const id of ids.slice(1)) expect(page1).toContain(id);
    expect(page1).not.toContain(ids[0]);
    const page2 = await pg.pressButton(list, 'More');
    expect(cardText(cardOf(page2))).toContain(ids[0]);
    expect(cardText(cardOf(page2))).not.toContain(ids[1]);
  }, 90_000);

  it('Fix and resubmit: Live Platform refuses a hidden short name; the corrected form creates exactly one customer', async () => {
    const made = await create(pg.personal, 'HiddenCo');
    const failed = await pg.waitForUpdate(made.formMsg.messageId, isCardWith('Failed: HiddenCo'), 20_000);
    expect(cardText(cardOf(failed))).toContain("A customer with the short name 'HiddenCo' already exists.");
    const since = pg.cursor();
    await pg.pressButton(failed, 'Fix and resubmit');
    const form = await pg.waitForMessage(isCardWith(`Resubmitting ${made.id}`), 15_000, { since });
    expect(cardText(cardOf(form))).toContain("A customer with the short name 'HiddenCo' already exists.");
    const answer = await pg.pressButton(form, 'Create customer', { inputs: { shortName: 'HiddenCoFixed', CarrierUserPassword: 'Pg-Carrier-Secret-2' } });
    const newId = requestIdOf(cardText(cardOf(answer)));
    expect(newId).not.toBe(made.id);
    await pg.waitForUpdate(form.messageId, isCardWith('Customer deployed'), 20_000);
    await pg.waitForUpdate(made.formMsg.messageId, isCardWith(`Resubmitted as`), 10_000);
    // Told in the personal chat when it ended.
    await pg.waitForMessage((m) => (m.text ?? '').includes(`${newId} (HiddenCoFixed) is deployed`), 10_000, { since });
    expect(backends.sandbox.deploymentOrder().filter((n) => n === 'HiddenCoFixed')).toHaveLength(1);
  }, 90_000);
});
