import { MINIMAL_FORM } from '../../test/helpers/fixtures';
import { parseCustomerInput } from './customer-input';

const valid = MINIMAL_FORM;

describe('server-side validation of the create form', () => {
  it('accepts a minimal valid request and types the ids as numbers', () => {
    const r = parseCustomerInput(valid);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toMatchObject({ shortName: 'Acme01', sbcId: 5, sbcOnboardingScript: 7, sbcCleanupScript: 700 });
  });

  it.each([
    ['ab', /at least|3 to 15/],
    ['abcdefghijklmnop', /3 to 15|at most/],
    ['Acme Corp', /spaces/],
    ['Acme.Corp', /dot/],
    ['Acme/Corp', /\\ \/ : \* \? " < > \|/],
    ['Acme|x', /found \|/],
  ])('rejects short name %p and says which part failed', (shortName, message) => {
    const r = parseCustomerInput({ ...valid, shortName });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.shortName.join(' ')).toMatch(message);
  });

  it('accepts printable characters the documented rule allows (not only letters, digits and _)', () => {
    expect(parseCustomerInput({ ...valid, shortName: 'Acme-01_#&!' }).ok).toBe(true);
  });

  it('reports every bad field at once, keyed by the card input id', () => {
    const r = parseCustomerInput({
      shortName: '',
      ovocCustomerType: 'OTHER',
      sbcId: 'five',
      sbcOnboardingScript: '-1',
      fullName: 'x'.repeat(201),
      CarrierUserName: 'u'.repeat(61),
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(
      ['CarrierUserName', 'fullName', 'msTenantId', 'ovocCustomerType', 'sbcCleanupScript', 'sbcId', 'sbcOnboardingScript', 'shortName'].sort(),
    );
    expect(r.errors.sbcId[0]).toMatch(/whole number/);
    expect(r.errors.ovocCustomerType[0]).toMatch(/IPGROUP_TYPE .* or TENANT_TYPE/);
  });

  it('rejects a carrier password that is too long or has wide characters, without echoing it', () => {
    const long = parseCustomerInput({ ...valid, CarrierUserPassword: 'p'.repeat(51) });
    const wide = parseCustomerInput({ ...valid, CarrierUserPassword: 'pässwörd✓' });
    expect(long.ok || wide.ok).toBe(false);
    if (!long.ok) expect(long.errors.CarrierUserPassword[0]).toMatch(/at most 50/);
    if (!wide.ok) {
      expect(wide.errors.CarrierUserPassword[0]).toMatch(/wide/);
      expect(JSON.stringify(wide.errors)).not.toContain('pässwörd');
    }
  });

  it('collects custom variables from per-variable inputs and from name=value lines', () => {
    const r = parseCustomerInput({ ...valid, 'CustomVar.Variable1': 'one', customVariables: 'Variable2=two\n3 = three\nExtraKey=x' });
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(r.value.customVariables).toEqual({ 'CustomVar.Variable1': 'one', 'CustomVar.Variable2': 'two', 'CustomVar.Variable3': 'three', ExtraKey: 'x' });
  });

  it('says which line of the variables box is not name=value', () => {
    const r = parseCustomerInput({ ...valid, customVariables: 'Variable1=a\njust text' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.customVariables[0]).toMatch(/Line 2/);
  });
});
