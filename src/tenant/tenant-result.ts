import { quote } from './parse-tenant-input';

/**
 * The answer to "does this Microsoft tenant exist?". `input` is always exactly what the caller passed.
 * `message` is written for the person who typed the tenant; `reason` is for logs only.
 */
export type TenantResult =
  | { status: 'found'; /** GUID, lower-case */ tenantId: string; input: string }
  | { status: 'not_found'; input: string; message: string }
  | { status: 'invalid'; input: string; message: string }
  | { status: 'unverified'; input: string; reason: string };

export function notFoundMessage(input: string): string {
  return (
    `Tenant '${quote(input.trim())}' was not found in Microsoft Entra ID. ` +
    'Check the tenant id (a GUID) or its verified domain, e.g. contoso.onmicrosoft.com.'
  );
}
