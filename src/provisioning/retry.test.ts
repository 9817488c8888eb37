import { testRequest } from '../../test/helpers/fixtures';
import { formFieldOf } from './fields';
import { parseCustomerInput } from './customer-input';
import type { ProvisioningRequest } from './request';
import { formValuesOf, retryRefusal } from './retry';

const base = testRequest();
const at = (r: Partial<ProvisioningRequest>): ProvisioningRequest => ({ ...base, ...r });

describe('retry and Fix and resubmit', () => {
  it('allows a resubmit only when nothing was created at Live Platform, and only once', () => {
    for (const state of ['rejected', 'expired', 'cancelled'] as const) expect(retryRefusal(at({ state }))).toBeUndefined();
    expect(retryRefusal(at({ state: 'failed', failure: { message: 'x', hint: 'h', nothingCreated: true } }))).toBeUndefined();
    expect(retryRefusal(at({ state: 'failed', failure: { message: 'x', hint: 'h' } }))).toMatch(
      /reached Live Platform before it failed.*could create it twice/,
    );
    expect(retryRefusal(at({ state: 'deployed' }))).toMatch(/is deployed/);
    for (const state of ['awaiting_approval', 'queued', 'submitted', 'deploying'] as const) expect(retryRefusal(at({ state }))).toMatch(/still in progress/);
    const retriedAs = { id: 'REQ-NEW001', formKey: 'k', at: base.createdAt, by: base.requestedBy };
    expect(retryRefusal(at({ state: 'cancelled', retriedAs }))).toMatch(/already resubmitted as REQ-NEW001/);
  });

  it('prefills every field as entered, secrets left out, and the prefill parses back to the same request', () => {
    const r = at({
      customer: {
        ...base.customer,
        shortName: 'Acme01',
        fullName: 'Acme Corp',
        tenantInput: 'contoso.onmicrosoft.com',
        channelId: '12',
        scriptParameters: { CarrierUserName: 'acme', 'CustomVar.Variable2': 'two', Region: 'eu' },
        secretKeys: ['CarrierUserPassword', 'SipTrunkPassword'],
      },
    });
    const values = formValuesOf(r);
    expect(values).toMatchObject({
      shortName: 'Acme01',
      fullName: 'Acme Corp',
      msTenantId: 'contoso.onmicrosoft.com',
      channelId: '12',
      CarrierUserName: 'acme',
      'CustomVar.Variable2': 'two',
      customVariables: 'Region=eu',
    });
    expect(Object.keys(values)).not.toContain('CarrierUserPassword');
    const parsed = parseCustomerInput(values);
    expect(parsed.ok && parsed.value).toMatchObject({
      shortName: 'Acme01',
      CarrierUserName: 'acme',
      customVariables: { 'CustomVar.Variable2': 'two', Region: 'eu' },
    });
  });

  it.each([
    ['ShortName', 'shortName'],
    ['$.shortName', 'shortName'],
    ['SiteLocation.SbcId', 'sbcId'],
    ['siteLocation.sbcOnboardingScript', 'sbcOnboardingScript'],
    ['ScriptParameters.CarrierUserName', 'CarrierUserName'],
    ['scriptParameters.CustomVar.Variable2', 'CustomVar.Variable2'],
    ['ScriptParameters.Region', 'customVariables'],
    ['MsTenantId', 'msTenantId'],
    ['$', 'form'],
    ['request', 'form'],
    ['Whatever', 'form'],
  ])("maps Live Platform's field %j to the form's %j", (server, form) => {
    expect(formFieldOf(server)).toBe(form);
  });
});
