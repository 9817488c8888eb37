import { MINIMAL_FORM } from '../../test/helpers/fixtures';
import { parseCustomerInput, MAX_CUSTOM_VARIABLES } from './customer-input';
import { charProblems } from './field-rules';

const errorsOf = (over: Record<string, unknown>) => {
  const r = parseCustomerInput({ ...MINIMAL_FORM, ...over });
  return r.ok ? {} : r.errors;
};

describe('what reaches an SBC script', () => {
  it('refuses the injection of a line break into a script parameter', () => {
    expect(errorsOf({ CarrierHostName: 'sip.example.com\nexit\nconfigure network' }).CarrierHostName).toEqual([
      "Carrier host name must be a single line without control characters: line breaks would reach the SBC's configuration script",
    ]);
    for (const bad of ['a\rb', 'a\u0000b', 'a\u001bb', 'a\u2028b', 'a\tb', 'a\u0085b']) expect(charProblems('X', bad, 'text')).toHaveLength(1);
  });

  it.each([
    ['OnlinePstnGateway', 'gw.carrier.example.net', 'gw carrier'],
    ['CarrierHostName', '192.0.2.10:5061', 'sip.example.com;rm -rf'],
    ['CarrierMainLine', '+4930123456', '+49 30 123456'],
    ['CarrierUserName', 'acme-trunk@carrier', 'acme trunk'],
    ['CacProfile', '5 sessions', 'five;sessions'],
    ['ProxySet', 'SIPTrunk_1', 'trunk`id`'],
    ['channelId', '12', '12 13'],
    ['lcCustomerId', '79192', '79192/../x'],
  ])('%s takes %j and refuses %j, saying what it must be', (field, good, bad) => {
    expect(errorsOf({ [field]: good })[field]).toBeUndefined();
    expect(errorsOf({ [field]: bad })[field]?.[0]).toMatch(/ must be /);
  });

  it('keeps the free-form box multi-line but refuses control characters and junk beyond its length, server-side', () => {
    expect(errorsOf({ customVariables: 'Variable1=a\r\nVariable2=b' })).toEqual({});
    expect(errorsOf({ customVariables: 'Variable1=a\u0007' }).customVariables?.[0]).toMatch(/control characters/);
    expect(errorsOf({ customVariables: 'x'.repeat(4001) }).customVariables).toEqual(['More script variables must be at most 4000 characters']);
    expect(errorsOf({ 'CustomVar.Variable1': 'one\u0000two' }).customVariables?.[0]).toMatch(/single line/);
    const many = Object.fromEntries(Array.from({ length: MAX_CUSTOM_VARIABLES + 1 }, (_, i) => [`CustomVar.Variable${i + 1}`, 'v']));
    expect(errorsOf(many).customVariables).toEqual([`At most ${MAX_CUSTOM_VARIABLES} custom variables per request`]);
    expect(errorsOf({ fullName: 'Acme\nCorp' }).fullName?.[0]).toMatch(/single line/);
    expect(errorsOf({ shortName: 'Ac\u0001me' }).shortName?.[0]).toMatch(/single line/);
  });
});
