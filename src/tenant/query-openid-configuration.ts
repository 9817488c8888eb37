import { z } from 'zod/v4';
import { createHttpSend, HttpNetworkError, HttpTimeoutError } from '../outbound/http';
import { isGuid } from './parse-tenant-input';

/**
 * One request to `{authority}/{tenant}/v2.0/.well-known/openid-configuration`, classified.
 * Only two answers are conclusive: 200 with an issuer naming the tenant GUID, and 400 invalid_tenant
 * (AADSTS90002). Anything else — timeouts, refused connections, 5xx, odd bodies — is "unverified":
 * we could not tell, which must never be confused with "does not exist".
 */

export type DiscoveryOutcome = { kind: 'found'; tenantId: string } | { kind: 'not_found' } | { kind: 'unverified'; reason: string };

export interface DiscoveryOptions {
  /** e.g. https://login.microsoftonline.com (sovereign clouds and the stand-in differ), no trailing slash needed. */
  authority: string;
  /** Deadline for the whole exchange, body included. */
  timeoutMs: number;
}

const MAX_BODY_BYTES = 1024 * 1024;
// Not a plain substring test: AADSTS900023 (malformed identifier) starts with the same digits.
const NOT_FOUND_CODE = /AADSTS90002(?!\d)/;

const DiscoveryDocument = z.object({ issuer: z.string() });
const ErrorBody = z.object({
  error: z.string().optional(),
  error_description: z.string().optional(),
  error_codes: z.array(z.number()).optional(),
});

export function createOpenIdDiscovery(opts: DiscoveryOptions): (tenant: { kind: 'guid' | 'domain'; value: string }) => Promise<DiscoveryOutcome> {
  const authority = normaliseAuthority(opts.authority);
  const send = createHttpSend({ maxBodyBytes: MAX_BODY_BYTES });

  return async (tenant) => {
    const path = `/${encodeURIComponent(tenant.value)}/v2.0/.well-known/openid-configuration`;
    const url = `${authority}${path}`;
    try {
      const res = await send({ method: 'GET', url, path, timeoutMs: opts.timeoutMs });
      return classify(res.status, res.text, tenant, url);
    } catch (err) {
      if (err instanceof HttpTimeoutError) return unverified(`no answer within ${opts.timeoutMs} ms from GET ${url}`);
      const code = err instanceof HttpNetworkError ? err.networkCode : 'unknown';
      return unverified(`request failed (${code}: ${err instanceof Error ? err.message : String(err)}) for GET ${url}`);
    }
  };
}

function classify(status: number, text: string, tenant: { kind: 'guid' | 'domain'; value: string }, url: string): DiscoveryOutcome {
  const body = parseJson(text);
  if (status === 200) {
    const doc = DiscoveryDocument.safeParse(body);
    if (!doc.success) return unverified(`HTTP 200 without an issuer (${body === undefined ? 'body is not JSON' : 'unexpected JSON'}) from GET ${url}`);
    const tenantId = tenantIdFromIssuer(doc.data.issuer);
    if (!tenantId) return unverified(`HTTP 200 with issuer '${doc.data.issuer.slice(0, 200)}' that names no tenant GUID, from GET ${url}`);
    if (tenant.kind === 'guid' && tenantId !== tenant.value) {
      return unverified(`HTTP 200 with issuer tenant ${tenantId} for requested tenant ${tenant.value}, from GET ${url}`);
    }
    return { kind: 'found', tenantId };
  }

  const error = ErrorBody.safeParse(body);
  const e = error.success ? error.data : {};
  if (status === 400 && (e.error === 'invalid_tenant' || NOT_FOUND_CODE.test(e.error_description ?? '') || e.error_codes?.includes(90002))) {
    return { kind: 'not_found' };
  }
  const aadsts = /AADSTS\d+/.exec(e.error_description ?? '')?.[0];
  const detail = [e.error, aadsts].filter(Boolean).join(' ');
  return unverified(`HTTP ${status}${detail ? ` (${detail})` : ''} from GET ${url}`);
}

/** Issuer is `https://{host}/{guid}/v2.0`; the host varies by cloud, so only the path is checked. */
function tenantIdFromIssuer(issuer: string): string | undefined {
  let path: string;
  try {
    path = new URL(issuer).pathname;
  } catch {
    return undefined;
  }
  const guid = /^\/([^/]+)\/v2\.0\/?$/.exec(path)?.[1];
  return guid && isGuid(guid) ? guid.toLowerCase() : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function unverified(reason: string): DiscoveryOutcome {
  return { kind: 'unverified', reason };
}

function normaliseAuthority(authority: string): string {
  let parsed: URL;
  try {
    parsed = new URL(authority);
  } catch {
    throw new Error(`Tenant lookup authority '${authority}' is not an absolute URL; expected e.g. https://login.microsoftonline.com`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error(`Tenant lookup authority '${authority}' must be http(s), e.g. https://login.microsoftonline.com`);
  }
  return authority.replace(/\/+$/, '');
}
