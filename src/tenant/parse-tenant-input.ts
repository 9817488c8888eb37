/**
 * Syntactic check of what a user typed as "the customer's Microsoft tenant", before any request.
 * Accepts a tenant id (GUID) or a domain name; everything else gets a message saying what to type.
 */

export type ParsedTenantInput =
  { ok: true; kind: 'guid' | 'domain'; /** lower-case, safe to put in a URL path */ value: string } | { ok: false; message: string };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GUID_LIKE = /^[{(]?[0-9a-f-]{20,}[})]?$/; // hex and hyphens only, so never a domain
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TLD = /^[a-z]{2,63}$|^xn--[a-z0-9-]{1,59}$/;

const EXAMPLE_GUID = '4bf50a33-a383-4d3f-9403-220c898bc1b2';
const WHAT_TO_ENTER = `Enter the tenant id (a GUID such as ${EXAMPLE_GUID}) or one of the tenant's verified domains, such as contoso.onmicrosoft.com or contoso.com.`;

/** A tenant id as Microsoft writes it: 32 hex digits in groups of 8-4-4-4-12 (either case). */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}

export function parseTenantInput(raw: string): ParsedTenantInput {
  const input = raw.trim();
  const value = input.toLowerCase();
  if (value === '') return invalid(`No tenant was given. ${WHAT_TO_ENTER}`);

  // Braces come along when a GUID is copied from PowerShell or the registry.
  const unbraced = /^\{.*\}$/.test(value) ? value.slice(1, -1) : value;
  if (GUID.test(unbraced)) return { ok: true, kind: 'guid', value: unbraced };
  if (GUID_LIKE.test(value)) {
    return invalid(
      `'${quote(input)}' looks like a tenant id but is not a valid GUID: a tenant id has 32 hexadecimal digits (0-9, a-f) in groups of 8-4-4-4-12, e.g. ${EXAMPLE_GUID}.`,
    );
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(value)) {
    return invalid(`'${quote(input)}' is a web address. Enter only the domain (e.g. contoso.com) or the tenant id (a GUID such as ${EXAMPLE_GUID}).`);
  }
  if (value.includes('@')) {
    const domain = value.slice(value.lastIndexOf('@') + 1);
    const hint = isDomain(domain) ? `the part after the @ (${domain})` : 'the domain after the @';
    return invalid(`'${quote(input)}' is an email address. Enter ${hint} or the tenant id (a GUID such as ${EXAMPLE_GUID}).`);
  }
  const domain = value.endsWith('.') ? value.slice(0, -1) : value;
  if (isDomain(domain)) return { ok: true, kind: 'domain', value: domain };
  if (LABEL.test(domain)) {
    return invalid(
      `'${quote(input)}' is not a complete domain. Enter the full verified domain, e.g. contoso.onmicrosoft.com, or the tenant id (a GUID such as ${EXAMPLE_GUID}).`,
    );
  }
  return invalid(`'${quote(input)}' is neither a tenant id nor a domain. ${WHAT_TO_ENTER}`);
}

function isDomain(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.split('.');
  const tld = labels[labels.length - 1] ?? '';
  return labels.length >= 2 && labels.every((l) => LABEL.test(l)) && TLD.test(tld);
}

function invalid(message: string): ParsedTenantInput {
  return { ok: false, message };
}

/** What we echo back of user input: one line, bounded, so a pasted blob cannot flood a message. */
export function quote(input: string, max = 80): string {
  // eslint-disable-next-line no-control-regex
  const oneLine = input.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
