import { isSecretName, scrubSecrets } from './secrets';

describe('the one rule for secrets', () => {
  it.each([
    'CarrierUserPassword',
    'SipTrunkPassword',
    'client_secret',
    'x-auth-token',
    'ApiKey',
    'api_key',
    'PreSharedKey',
    'SipPin',
    'PIN',
    'sbcPwd',
    'Psk',
    'TrunkPass',
    'authorization',
    'privateKey',
    'OtpCode',
    'LdapCredential',
  ])('%s is a secret', (name) => expect(isSecretName(name)).toBe(true));
  it.each([
    'shortName',
    'CarrierUserName',
    'CustomVar.Variable1',
    'Mapping',
    'Spinner',
    'Keyboard',
    'formKey',
    'OnlinePstnGateway',
    'ProxySet',
    'Passenger',
    'lcCustomerId',
  ])('%s is not', (name) => expect(isSecretName(name)).toBe(false));

  it('scrubs a known value as it is, JSON-escaped and URL-encoded; short values are left alone', () => {
    const pw = 'Pa55 "wo/rd"&x';
    const text = `step: set ${pw}; json {"v":${JSON.stringify(pw)}}; url ?p=${encodeURIComponent(pw)}; pin 123`;
    const out = scrubSecrets(text, [pw, '123']);
    expect(out).not.toContain('Pa55');
    expect(out).not.toContain(encodeURIComponent(pw));
    expect(out).toContain('pin 123');
    expect(out.split('••••••')).toHaveLength(4);
  });
});
