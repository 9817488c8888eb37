import fs from 'node:fs';
import path from 'node:path';
import { MINIMAL_FORM } from '../../test/helpers/fixtures';
import { REDACT_PATHS } from '../logger';
import { isSecretName } from '../secrets';
import { CREATE_FIELDS, CUSTOM_VARS_TEXT_FIELD, fieldSpec, parameterName, SCRIPT_PARAMETER_FIELDS } from './fields';
import { toApiRequest, toSpec } from './request-spec';
import { parseCustomerInput } from './customer-input';
import type { ProvisioningRequest } from './request';

function formInputIds(): string[] {
  const template = JSON.parse(fs.readFileSync(path.join(__dirname, '../../cards/customer-form.json'), 'utf8')) as unknown;
  const ids: string[] = [];
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) o.forEach(walk);
    else if (o && typeof o === 'object') {
      const r = o as Record<string, unknown>;
      if (typeof r.type === 'string' && r.type.startsWith('Input.') && typeof r.id === 'string') ids.push(r.id);
      Object.values(r).forEach(walk);
    }
  };
  walk(template);
  return ids;
}

describe('the field catalogue', () => {
  it('has an input on the form for every field, and no form input that is not in it', () => {
    const ids = new Set(formInputIds().filter((id) => id !== '${id}')); // the per-script variables are bound from data
    expect([...ids].sort()).toEqual(CREATE_FIELDS.map((f) => f.id).sort());
  });

  it('decides secrets by the one rule: the carrier password is the secret field', () => {
    expect(CREATE_FIELDS.filter((f) => f.secret).map((f) => f.id)).toEqual(['CarrierUserPassword']);
    for (const f of CREATE_FIELDS) expect(f.secret).toBe(isSecretName(f.id));
  });

  it('has every secret field redacted from logs by name', () => {
    for (const f of CREATE_FIELDS.filter((x) => x.secret)) expect(REDACT_PATHS).toContain(f.id);
  });

  it('bounds validation by the catalogue length and names the field', () => {
    const r = parseCustomerInput({ CarrierHostName: 'h'.repeat(fieldSpec('CarrierHostName').maxLength + 1) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.CarrierHostName).toEqual([`Carrier host name must be at most ${fieldSpec('CarrierHostName').maxLength} characters`]);
  });

  it('names script parameters on cards by the catalogue, other keys as sent', () => {
    expect(parameterName('CarrierUserPassword')).toBe('Carrier password');
    expect(parameterName('CustomVar.Variable1')).toBe('CustomVar.Variable1');
    expect(SCRIPT_PARAMETER_FIELDS).not.toContain(CUSTOM_VARS_TEXT_FIELD);
  });
});

describe('the request spec', () => {
  const parsed = parseCustomerInput({
    ...MINIMAL_FORM,
    CarrierUserName: 'trunk',
    CarrierUserPassword: 'Pa55word!',
    customVariables: 'Variable1=SIPTrunk\nSipTrunkPassword=Tr9-secret\nApiToken=tok-123',
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const { spec, secrets } = toSpec(parsed.value, '4bf50a33-a383-4d3f-9403-220c898bc1b2');

  it('keeps every secret-named parameter, custom ones included, out of the stored spec', () => {
    expect(secrets).toEqual({ CarrierUserPassword: 'Pa55word!', SipTrunkPassword: 'Tr9-secret', ApiToken: 'tok-123' });
    expect(spec.secretKeys.sort()).toEqual(['ApiToken', 'CarrierUserPassword', 'SipTrunkPassword']);
    expect(JSON.stringify(spec)).not.toMatch(/Pa55word|Tr9-secret|tok-123/);
    expect(spec.scriptParameters).toEqual({ CarrierUserName: 'trunk', 'CustomVar.Variable1': 'SIPTrunk' });
  });

  it('puts each field where the API wants it, secrets joined back only in the body sent', () => {
    const req = { customer: spec } as ProvisioningRequest;
    const body = toApiRequest(req, secrets);
    expect(body).toMatchObject({
      shortName: 'Acme01',
      fullName: 'Acme01',
      siteLocation: { sbcId: 5, sbcOnboardingScript: 7, sbcCleanupScript: 700 },
      msTenantId: '4bf50a33-a383-4d3f-9403-220c898bc1b2',
      scriptParameters: { CarrierUserName: 'trunk', CarrierUserPassword: 'Pa55word!', SipTrunkPassword: 'Tr9-secret', 'CustomVar.Variable1': 'SIPTrunk' },
    });
    expect(body).not.toHaveProperty('channelId');
  });
});
