import { redactText, redactValue } from './redact';

describe('redaction', () => {
  it('replaces secret-looking keys at any depth of a JSON body', () => {
    const body = { customerVariables: [{ name: 'x', CarrierUserPassword: 'p4ss-w0rd' }], access_token: 'tok', nested: { a: { client_secret: 's3cr3t' } } };
    const out = JSON.stringify(redactValue(body));
    for (const s of ['p4ss-w0rd', 'tok"', 's3cr3t']) expect(out).not.toContain(s);
    expect(out).toContain('"name":"x"');
  });

  it('scrubs bodies that are not JSON by pattern, and known secret values wherever they appear', () => {
    const text = '<html>"CarrierUserPassword": "p4ss-w0rd" client_secret=abc123&x=1 Authorization: Bearer eyJabc.def</html> and also hunter22';
    const out = redactText(text, ['hunter22']);
    for (const s of ['p4ss-w0rd', 'abc123', 'eyJabc.def', 'hunter22']) expect(out).not.toContain(s);
    expect(out).toContain('x=1');
  });

  it('caps the length', () => {
    expect(redactText('x'.repeat(5000), [], 100)).toMatch(/^x{100}… \(4900 more characters\)$/);
  });
});
