import axios from 'axios';
import { actionExecuteInvoke } from '../helpers/activities';
import { startWorld, validForm, type World } from '../helpers/world';

/**
 * Teams gives an Action.Execute 5 seconds, then shows an error although the work may go on. A submit
 * whose look-ups are all slow (the script list, the customer list, Microsoft's tenant check) must
 * still answer in time: one deadline for the whole invoke, the look-ups in parallel, and an invalid
 * form rebuilt from what is already known. The client below gives up after 5 s, as Teams does.
 */
const TEAMS_INVOKE_LIMIT_MS = 5_000;

describe('a submit when every look-up is slow', () => {
  let w: World;
  beforeAll(async () => {
    // The tenant lookup alone would wait 10 s for Microsoft.
    w = await startWorld({ env: { TENANT_TIMEOUT_MS: '10000' } });
  });
  afterAll(async () => w.stop());

  async function submitAsTeams(formId: string, data: Record<string, unknown>) {
    const activity = actionExecuteInvoke('customer.create', { verb: 'customer.create', ...data }, { serviceUrl: w.connector.url, replyToId: formId });
    const res = await axios.post(`${w.bot.url}/api/messages`, activity, { timeout: TEAMS_INVOKE_LIMIT_MS, validateStatus: () => true });
    return res.data as { statusCode: number; type: string; value: unknown };
  }

  it('answers an invalid form within Teams’ limit, rebuilt from the script list it already had', async () => {
    const { formId } = await w.openForm();
    w.sandbox.inject({ kind: 'delay', ms: 8_000, count: 20, match: 'GET /api/v2/scripttemplates' });
    w.sandbox.inject({ kind: 'delay', ms: 8_000, count: 20, match: 'GET /api/v3/customer' });
    const answer = await submitAsTeams(formId, validForm('Acme 01', { msTenantId: 'hang.example', sbcCleanupScript: '700' }));
    expect(answer.type).toBe('application/vnd.microsoft.card.adaptive');
    const json = JSON.stringify(answer.value);
    expect(json).toContain('New Essentials customer');
    expect(json).toContain('no spaces');
    // The list the form was opened with (cached) is reused; nothing waited for Live Platform again.
    expect(json).toContain('sbc-scenario7 (7)');
  });

  it('answers a valid form whose tenant Microsoft does not confirm in time: the tenant could not be verified', async () => {
    const { formId } = await w.openForm();
    w.sandbox.inject({ kind: 'delay', ms: 8_000, count: 20, match: 'GET /api/v2/scripttemplates' });
    w.sandbox.inject({ kind: 'delay', ms: 8_000, count: 20, match: 'GET /api/v3/customer' });
    const answer = await submitAsTeams(formId, validForm('AcmeSlow', { msTenantId: 'hang.example', sbcCleanupScript: '700' }));
    const json = JSON.stringify(answer.value);
    expect(json).toContain('could not be verified with Microsoft right now (Microsoft did not answer in time)');
    expect(w.creates()).toBe(0);
  });
});
