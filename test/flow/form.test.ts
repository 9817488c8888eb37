import { actionExecuteInvoke, actionSubmit, personalMessage } from '../helpers/activities';
import { startWorld, World } from '../helpers/world';

describe('the create form', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => w.stop());

  it('offers every onboarding script from Live Platform across all its pages, with the matching cleanup preselected', async () => {
    const { card } = await w.openForm();
    const json = JSON.stringify(card);
    for (const name of ['sbc-scenario1', 'sbc-scenario7', 'sbc-registration-trunk', 'sbc-onboarding (10007)']) expect(json).toContain(name);
    expect(json).toContain('"id":"sbcCleanupScript","label":"Cleanup script","isRequired":true,"style":"compact","value":"auto"');
  });

  it('opens from the help card\'s "New customer" button', async () => {
    await w.bot.post(personalMessage('help', { serviceUrl: w.connector.url }));
    const help = await w.connector.waitFor((c) => JSON.stringify(c.body ?? {}).includes('Live Platform provisioning'));
    const before = w.connector.sent.length;
    await w.bot.post(actionSubmit({ verb: 'form.open' }, { serviceUrl: w.connector.url, replyToId: help.responseId! }));
    const form = await w.connector.waitFor((c) => w.connector.sent.indexOf(c) >= before && JSON.stringify(c.body ?? {}).includes('New Essentials customer'));
    expect(form.kind).not.toBe('edit');
  });

  it('is prefilled from the command arguments, and says which arguments it ignored', async () => {
    const { card } = await w.openForm('new shortName=Acme07 msTenantId=contoso.onmicrosoft.com sbcid=6 colour=blue CarrierUserPassword=x');
    const json = JSON.stringify(card);
    expect(json).toContain('"id":"shortName","label"');
    expect(json).toMatch(/"id":"shortName"[^}]*"value":"Acme07"/);
    expect(json).toMatch(/"id":"sbcId"[^}]*"value":"6"/);
    expect(json).toContain("Ignored 'colour', 'CarrierUserPassword'");
    expect(json).toContain('passwords are only accepted in the form');
  });

  it('loads the customer variables of the chosen script, keeping what was typed', async () => {
    const { formId } = await w.openForm();
    const res = await w.bot.post(
      actionExecuteInvoke(
        'form.refresh',
        { verb: 'form.refresh', shortName: 'KeepMe', sbcOnboardingScript: '4', CarrierUserPassword: 'pw-not-shown' },
        { serviceUrl: w.connector.url, replyToId: formId },
      ),
    );
    const json = JSON.stringify(res.body);
    expect(json).toContain('Customer variables of sbc-scenario4');
    expect(json).toContain('"id":"CustomVar.Variable3"');
    expect(json).toMatch(/"id":"shortName"[^}]*"value":"KeepMe"/);
    expect(json).not.toContain('pw-not-shown');
    expect(json).toContain('enter it once more');
  });

  it('still works with plain inputs, and says why, when Live Platform cannot list the scripts', async () => {
    const w2 = await startWorld();
    try {
      w2.sandbox.inject({ kind: 'status', status: 500, count: 20, match: 'GET /api/v2/scripttemplates' });
      const { card } = await w2.openForm();
      const json = JSON.stringify(card);
      expect(json).toContain('The script list could not be loaded from Live Platform');
      expect(json).toContain('Onboarding script id');
    } finally {
      await w2.stop();
    }
  });
});
