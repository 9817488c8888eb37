import { TEST_TENANTS } from '../../src/sandbox/login-standin';
import { cardOf, cardText, Playground, StreamMessage } from '../helpers/playground';
import { usePlaygroundWorld } from '../helpers/playground-world';
import { nextTenant } from '../helpers/world';

/**
 * End to end through Microsoft's own Teams emulator (the Agents Playground), driven over the same
 * HTTP and WebSocket API its web UI uses: the real bot, the Live Platform sandbox and the tenant
 * stand-in, no stub connector.
 */
describe('the product in the Agents Playground', () => {
  // The approval flow has its own Playground suite (playground-approvals.test.ts).
  const world = usePlaygroundWorld(150, { UMP_POLL_INTERVAL_MS: '50', APPROVAL_POLICY: 'none' });
  let pg: Playground;
  let n = 0;
  beforeAll(() => ({ pg } = world));

  const isForm = (m: StreamMessage) => cardText(cardOf(m)).includes('New Essentials customer');

  async function openForm(conversationId: string) {
    const since = pg.cursor();
    await pg.sendMessage(conversationId, 'new');
    return pg.waitForMessage(isForm, 15_000, { since });
  }

  function form(shortName: string, msTenantId: string) {
    n++;
    return {
      shortName,
      msTenantId,
      ovocCustomerType: 'IPGROUP_TYPE',
      sbcId: '5',
      sbcOnboardingScript: '7',
      sbcCleanupScript: 'auto',
      'CustomVar.Variable1': `v${n}`,
    };
  }

  it('personal chat: new → form → submit → every step → Deployed', async () => {
    const formMsg = await openForm(pg.personal);
    const answer = await pg.pressButton(formMsg, 'Create customer', { inputs: form('PgAcme1', TEST_TENANTS.contoso.domain) });
    expect(cardText(cardOf(answer))).toContain('PgAcme1');
    const seen = new Set<string>();
    const final = await pg.waitForUpdate(
      formMsg.messageId,
      (m) => {
        const text = cardText(cardOf(m));
        for (const step of ['MsTenantid is valid', 'Customer data created!', 'CreateSiteInOvoc started.', 'Site created in Ovoc'])
          if (text.includes(step)) seen.add(step);
        return text.includes('Customer deployed');
      },
      20_000,
    );
    expect(cardText(cardOf(final))).toContain('Deployed: PgAcme1');
    expect(seen.size).toBe(4);
  });

  it('personal chat: a failing deployment ends on Failed with the error', async () => {
    const formMsg = await openForm(pg.personal);
    await pg.pressButton(formMsg, 'Create customer', { inputs: form('failPg', TEST_TENANTS.fabrikam.domain) });
    const final = await pg.waitForUpdate(formMsg.messageId, (m) => cardText(cardOf(m)).includes('What went wrong'), 20_000);
    expect(cardText(cardOf(final))).toContain('connection to the SBC was lost');
  });

  it('personal chat: invalid input and an unknown tenant come back on the form', async () => {
    const formMsg = await openForm(pg.personal);
    const answer = await pg.pressButton(formMsg, 'Create customer', { inputs: form('bad.name', TEST_TENANTS.missing.domain) });
    const text = cardText(cardOf(answer));
    expect(text).toContain('New Essentials customer');
    expect(text).toContain('must not contain a dot');
    expect(text).toContain('was not found in Microsoft Entra ID');
  });

  it.each(['channel', 'groupChat'] as const)('%s: with an @mention, the same flow ends on Deployed', async (where) => {
    const formMsg = await openForm(where === 'channel' ? pg.channel : pg.groupChat);
    const answer = await pg.pressButton(formMsg, 'Create customer', { inputs: form(`Pg${where}`.slice(0, 15), nextTenant()) });
    expect(cardText(cardOf(answer))).toContain(`Pg${where}`);
    const final = await pg.waitForUpdate(formMsg.messageId, (m) => cardText(cardOf(m)).includes('Customer deployed'), 20_000);
    expect(cardText(cardOf(final))).toContain('Site created in Ovoc');
  });
});
