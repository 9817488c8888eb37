import fc from 'fast-check';
import { parseTenantInput } from './parse-tenant-input';

describe('parseTenantInput', () => {
  it.each([
    ['4bf50a33-a383-4d3f-9403-220c898bc1b2', 'guid', '4bf50a33-a383-4d3f-9403-220c898bc1b2'],
    ['  4BF50A33-A383-4D3F-9403-220C898BC1B2 ', 'guid', '4bf50a33-a383-4d3f-9403-220c898bc1b2'],
    ['{4bf50a33-a383-4d3f-9403-220c898bc1b2}', 'guid', '4bf50a33-a383-4d3f-9403-220c898bc1b2'],
    ['contoso.onmicrosoft.com', 'domain', 'contoso.onmicrosoft.com'],
    ['Contoso.COM', 'domain', 'contoso.com'],
    ['contoso.com.', 'domain', 'contoso.com'],
    ['eu.sub-domain.contoso.co.uk', 'domain', 'eu.sub-domain.contoso.co.uk'],
    ['xn--mnchen-3ya.de', 'domain', 'xn--mnchen-3ya.de'],
  ])('accepts %j as a %s', (input, kind, value) => {
    expect(parseTenantInput(input)).toEqual({ ok: true, kind, value });
  });

  it.each([
    ['', /^No tenant was given\. Enter the tenant id \(a GUID such as .*\) or one of the tenant's verified domains/],
    ['   ', /^No tenant was given/],
    ['4bf50a33-a383-4d3f-9403-220c898bc1b', /looks like a tenant id but is not a valid GUID: a tenant id has 32 hexadecimal digits .* 8-4-4-4-12/],
    ['4bf50a33a3834d3f9403220c898bc1b2', /looks like a tenant id but is not a valid GUID/],
    ['https://contoso.onmicrosoft.com', /is a web address\. Enter only the domain/],
    ['admin@contoso.com', /is an email address\. Enter the part after the @ \(contoso\.com\)/],
    ['contoso', /^'contoso' is not a complete domain\. Enter the full verified domain, e\.g\. contoso\.onmicrosoft\.com/],
    ['common', /is not a complete domain/],
    ['contoso .com', /is neither a tenant id nor a domain/],
    ['../../test/contoso.com', /is neither a tenant id nor a domain/],
    ['contoso.com/../x', /is neither a tenant id nor a domain/],
    ['-contoso.com', /is neither a tenant id nor a domain/],
    ['contoso.123', /is neither a tenant id nor a domain/],
  ])('rejects %j and says what a tenant id looks like', (input, message) => {
    const parsed = parseTenantInput(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });

  it('echoes long or multi-line input on one bounded line', () => {
    const parsed = parseTenantInput(`bad\ninput ${'x'.repeat(500)}`);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.message).not.toContain('\n');
      expect(parsed.message.length).toBeLessThan(400);
      expect(parsed.message).toContain("'bad input xxx");
    }
  });

  it('accepts every GUID in any letter case and normalises it to lower case', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.boolean(), (guid, upper) => {
        const parsed = parseTenantInput(upper ? guid.toUpperCase() : guid);
        expect(parsed).toEqual({ ok: true, kind: 'guid', value: guid.toLowerCase() });
      }),
    );
  });

  it('only ever accepts values that are safe as a single URL path segment', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.domain(), fc.webUrl(), fc.emailAddress()), (input) => {
        const parsed = parseTenantInput(input);
        if (parsed.ok) expect(parsed.value).toMatch(/^[a-z0-9][a-z0-9.-]*$/);
        else expect(parsed.message).toMatch(/GUID|domain/);
      }),
    );
  });
});
