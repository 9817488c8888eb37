import { customerIndex, validateSubmission, SubmissionChecks } from './validate-submission';
import { TenantResult } from '../tenant';
import { testRequest } from '../../test/helpers/fixtures';

const GUID = '4bf50a33-a383-4d3f-9403-220c898bc1b2';
const form = { shortName: 'Acme01', msTenantId: GUID, ovocCustomerType: 'IPGROUP_TYPE', sbcId: '5', sbcOnboardingScript: '7', sbcCleanupScript: 'auto' };

function checks(over: Partial<SubmissionChecks> & { tenant?: TenantResult } = {}): SubmissionChecks {
  return {
    tenants: { resolve: async (input) => over.tenant ?? { status: 'found', tenantId: GUID, input } },
    within: (p) => p,
    unverifiedTenantPolicy: 'block',
    scripts: async () => [{ id: 7, name: 's7', customerVariables: [], cleanupScriptId: 700 }],
    customers: async () => ({ customers: [], skipped: 0 }),
    activeRequest: async () => undefined,
    mayNameOwners: false,
    mayView: () => false,
    ...over,
  };
}

describe('validating a submission', () => {
  const owner = [{ guid: 'g1', shortName: 'SecretCo', msTenantId: GUID }];

  it('refuses a tenant that already has a customer, naming the customer only to those who may see it', async () => {
    const plain = await validateSubmission(form, checks({ customers: async () => ({ customers: owner, skipped: 0 }) }));
    expect(!plain.ok && plain.fieldErrors.msTenantId[0]).toMatch(/already has a customer in Live Platform/);
    expect(JSON.stringify(plain)).not.toContain('SecretCo');
    const admin = await validateSubmission(form, checks({ customers: async () => ({ customers: owner, skipped: 0 }), mayNameOwners: true }));
    expect(!admin.ok && admin.fieldErrors.msTenantId[0]).toMatch(/belongs to customer 'SecretCo'/);
  });

  it("names another person's request in progress only to those who may see it", async () => {
    const other = testRequest({ id: 'REQ-OTHER1', requestedBy: { id: 'u9', name: 'Isaiah Langer' } });
    const hidden = await validateSubmission(form, checks({ activeRequest: async () => other }));
    expect(!hidden.ok && hidden.fieldErrors.shortName[0]).toMatch(/in progress in another conversation/);
    expect(JSON.stringify(hidden)).not.toMatch(/REQ-OTHER1|Isaiah/);
    const shown = await validateSubmission(form, checks({ activeRequest: async () => other, mayView: () => true }));
    expect(!shown.ok && shown.fieldErrors.shortName[0]).toMatch(/REQ-OTHER1, by Isaiah Langer/);
  });

  it('resolves the automatic cleanup script to the one related to the onboarding script', async () => {
    const r = await validateSubmission(form, checks());
    expect(r.ok && r.value.sbcCleanupScript).toBe(700);
  });

  it('asks for the cleanup script when none is related to the onboarding script', async () => {
    const r = await validateSubmission({ ...form, sbcOnboardingScript: '8' }, checks());
    expect(!r.ok && r.fieldErrors.sbcCleanupScript[0]).toMatch(/choose the cleanup script/);
  });

  it('with the warn policy, accepts an unverifiable GUID with a warning but not a domain', async () => {
    const unverified: TenantResult = { status: 'unverified', input: GUID, reason: 'HTTP 503' };
    const guid = await validateSubmission(form, checks({ tenant: unverified, unverifiedTenantPolicy: 'warn' }));
    expect(guid.ok && guid.warnings[0]).toMatch(/could not be verified/);
    const domain = await validateSubmission(
      { ...form, msTenantId: 'contoso.com' },
      checks({ tenant: { ...unverified, input: 'contoso.com' }, unverifiedTenantPolicy: 'warn' }),
    );
    expect(!domain.ok && domain.fieldErrors.msTenantId[0]).toMatch(/Enter the tenant GUID/);
  });

  it('with the block policy, refuses an unverifiable tenant and says to try again', async () => {
    const r = await validateSubmission(form, checks({ tenant: { status: 'unverified', input: GUID, reason: 'timeout' } }));
    expect(!r.ok && r.fieldErrors.msTenantId[0]).toMatch(/Try again in a minute/);
  });

  it('leaves the duplicate check to Live Platform, with a warning, when the customer list is slow', async () => {
    const r = await validateSubmission(form, checks({ customers: async () => undefined }));
    expect(r.ok && r.warnings).toEqual(['Live Platform was slow to list customers, so the duplicate check is left to Live Platform itself.']);
  });

  it('says the duplicate check is partly left to Live Platform when some customers could not be read', async () => {
    const r = await validateSubmission(form, checks({ customers: async () => ({ customers: [], skipped: 2 }) }));
    expect(r.ok && r.warnings).toEqual([
      'Live Platform listed 2 customers the bot could not read, so the duplicate check is partly left to Live Platform itself.',
    ]);
  });

  it('checks the script ids against the list Live Platform gives, and says so when it cannot', async () => {
    const r = await validateSubmission({ ...form, sbcOnboardingScript: '8', sbcCleanupScript: '800' }, checks());
    expect(!r.ok && r.fieldErrors).toEqual({
      sbcOnboardingScript: ['Live Platform has no onboarding script 8. Choose one from the list.'],
      sbcCleanupScript: ['Live Platform has no cleanup script 800. Choose one from the list, or the matching one.'],
    });
    const unlisted = await validateSubmission({ ...form, sbcCleanupScript: '800' }, checks({ scripts: async () => undefined }));
    expect(unlisted.ok && unlisted.warnings).toEqual(['The script list could not be read in time, so Live Platform checks the script ids itself.']);
  });

  it('reports a bad tenant together with bad fields, in one answer', async () => {
    const r = await validateSubmission({ ...form, shortName: 'a' }, checks({ tenant: { status: 'not_found', input: GUID, message: 'Tenant not found' } }));
    expect(!r.ok && Object.keys(r.fieldErrors).sort()).toEqual(['msTenantId', 'shortName']);
  });
});

describe('the customer index behind the duplicate checks', () => {
  it('finds by short name and tenant whatever the case, the first entry winning, and follows appended entries', () => {
    const list = [
      { guid: 'g1', shortName: 'AcmeCo', msTenantId: 'AAAA0000-0000-4000-8000-000000000001' },
      { guid: 'g2', shortName: 'acmeco', msTenantId: 'bbbb0000-0000-4000-8000-000000000002' },
    ];
    expect(customerIndex(list).byName.get('acmeco')?.guid).toBe('g1');
    expect(customerIndex(list).byTenant.get('aaaa0000-0000-4000-8000-000000000001')?.guid).toBe('g1');
    expect(customerIndex(list).byName.get('newco')).toBeUndefined();
    list.push({ guid: 'g3', shortName: 'NewCo', msTenantId: 'cccc0000-0000-4000-8000-000000000003' });
    expect(customerIndex(list).byName.get('newco')?.guid).toBe('g3');
    // A new list (an entry taken out) is indexed afresh.
    expect(customerIndex(list.filter((c) => c.guid !== 'g3')).byName.get('newco')).toBeUndefined();
  });
});
