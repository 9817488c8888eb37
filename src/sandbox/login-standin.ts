import http from 'node:http';
import { listen } from './http-kit';
import { entraErrorBody } from './token-endpoint';

/**
 * A local stand-in for Microsoft's login endpoint (`https://login.microsoftonline.com`), serving
 * only what the tenant lookup reads: `GET /{tenant}/v2.0/.well-known/openid-configuration`.
 * Known tenants answer 200 with an issuer of `{origin}/{guid}/v2.0`, unknown ones answer 400
 * `invalid_tenant` / AADSTS90002 the way Microsoft does, and a few documented tenants fail on purpose
 * so "could not verify" paths can be exercised deterministically.
 */

export type TestTenantBehaviour =
  /** 200 with an OpenID configuration whose issuer names the GUID. */
  | 'exists'
  /** 400 invalid_tenant (AADSTS90002), like any tenant the stand-in does not know. */
  | 'not_found'
  /** 503, as during an Entra outage. */
  | 'unavailable'
  /** Accepts the request and never answers: exercises the client's timeout. */
  | 'hang'
  /** 200 with an HTML page instead of JSON, as a captive portal or a misrouted proxy would answer. */
  | 'garbled';

export interface TestTenant {
  name: string;
  /** The initial `.onmicrosoft.com` domain, or a reserved `.example` domain for fault tenants. */
  domain: string;
  /** Further verified domains resolving to the same tenant. */
  otherDomains: readonly string[];
  guid: string;
  behaviour: TestTenantBehaviour;
}

/** The documented test tenants. Each is addressable by its GUID and by any of its domains. */
export const TEST_TENANTS = {
  contoso: {
    name: 'Contoso',
    domain: 'contoso.onmicrosoft.com',
    otherDomains: ['contoso.com'],
    guid: '4bf50a33-a383-4d3f-9403-220c898bc1b2',
    behaviour: 'exists',
  },
  fabrikam: {
    name: 'Fabrikam',
    domain: 'fabrikam.onmicrosoft.com',
    otherDomains: ['fabrikam.com'],
    guid: '10cffba8-6619-431b-9da4-d8cc93ac5de7',
    behaviour: 'exists',
  },
  missing: {
    name: 'Missing (never existed)',
    domain: 'missing.onmicrosoft.com',
    otherDomains: [],
    guid: '19c2ac70-3e3f-42d0-9262-cd7c0cc9e193',
    behaviour: 'not_found',
  },
  outage: {
    name: 'Outage (503)',
    domain: 'outage.example',
    otherDomains: [],
    guid: '5b86564f-bc46-408b-afbb-d305651d1f89',
    behaviour: 'unavailable',
  },
  hang: {
    name: 'Hang (never answers)',
    domain: 'hang.example',
    otherDomains: [],
    guid: '00ea89ff-3e63-4829-9561-c5bfce8ae509',
    behaviour: 'hang',
  },
  garbled: {
    name: 'Garbled (200 with HTML)',
    domain: 'garbled.example',
    otherDomains: [],
    guid: 'ac1c60f5-d2e9-4f6d-b99c-df3dcde18e4f',
    behaviour: 'garbled',
  },
} as const satisfies Record<string, TestTenant>;

export interface LoginStandinRequest {
  method: string;
  path: string;
  /** The tenant segment as received (decoded), when the path had one. */
  tenant?: string;
}

export interface RunningLoginStandin {
  /** The authority to configure (`ENTRA_AUTHORITY`), without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

export interface LoginStandin {
  start(port?: number, host?: string): Promise<RunningLoginStandin>;
  /** Requests received so far, every path included; lets tests prove that caching saves requests. */
  requestCount(): number;
  requests(): readonly LoginStandinRequest[];
  /** Existing tenants by lower-case domain and by GUID, each mapping to the tenant GUID. */
  tenants: Readonly<Record<string, string>>;
}

export interface LoginStandinOptions {
  /**
   * Existing tenants as domain → GUID; replaces the `exists` test tenants. The fault tenants of
   * `TEST_TENANTS` keep their behaviour unless a key here names them.
   */
  tenants?: Record<string, string>;
}

const DISCOVERY_PATH = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration\/?$/;

export function createLoginStandin(opts: LoginStandinOptions = {}): LoginStandin {
  const behaviours = new Map<string, { behaviour: TestTenantBehaviour; guid: string }>();
  for (const t of Object.values(TEST_TENANTS) as TestTenant[]) {
    if (t.behaviour === 'exists' && opts.tenants) continue;
    for (const key of [t.guid, t.domain, ...t.otherDomains]) behaviours.set(key.toLowerCase(), { behaviour: t.behaviour, guid: t.guid });
  }
  for (const [domain, guid] of Object.entries(opts.tenants ?? {})) {
    const entry = { behaviour: 'exists' as const, guid: guid.toLowerCase() };
    behaviours.set(domain.toLowerCase(), entry);
    behaviours.set(guid.toLowerCase(), entry);
  }
  const tenants: Record<string, string> = {};
  for (const [key, { behaviour, guid }] of behaviours) if (behaviour === 'exists') tenants[key] = guid;

  const received: LoginStandinRequest[] = [];

  function handle(origin: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const match = DISCOVERY_PATH.exec(path);
    let tenant: string | undefined;
    try {
      tenant = match?.[1] !== undefined ? decodeURIComponent(match[1]) : undefined;
    } catch {
      tenant = match?.[1];
    }
    received.push({ method: req.method ?? 'GET', path, tenant });

    if (tenant === undefined) return json(res, 404, { error: 'not_found', error_description: `No route for ${path}` });
    if (req.method !== 'GET') return json(res, 405, { error: 'method_not_allowed' });

    const known = behaviours.get(tenant.toLowerCase());
    if (!known || known.behaviour === 'not_found') return json(res, 400, invalidTenant(origin, tenant));
    switch (known.behaviour) {
      case 'exists':
        return json(res, 200, openIdConfiguration(origin, known.guid));
      case 'unavailable':
        return json(res, 503, { error: 'temporarily_unavailable', error_description: 'AADSTS90033: A transient error has occurred. Please try again.' });
      case 'garbled':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!DOCTYPE html><html><body><h1>Sign in to continue</h1></body></html>');
        return;
      case 'hang':
        // Leave the response open; close() destroys the connection.
        return;
    }
  }

  return {
    tenants,
    requestCount: () => received.length,
    requests: () => [...received],
    async start(port = 0, host = '127.0.0.1') {
      let origin = '';
      const server = http.createServer((req, res) => handle(origin, req, res));
      const address = await listen(server, port, host);
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      origin = `http://${shownHost}:${address.port}`;
      return {
        url: origin,
        close: () =>
          new Promise<void>((resolve, reject) => {
            server.close((err) => (err ? reject(err) : resolve()));
            server.closeAllConnections();
          }),
      };
    },
  };
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function openIdConfiguration(origin: string, guid: string): Record<string, unknown> {
  const base = `${origin}/${guid}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${origin}/${guid}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
  };
}

function invalidTenant(origin: string, tenant: string): Record<string, unknown> {
  return entraErrorBody(
    'invalid_tenant',
    90002,
    `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. ` +
      'Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.',
    origin,
  );
}
