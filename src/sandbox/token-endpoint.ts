import { randomBytes, randomUUID } from 'node:crypto';
import { json, type Reply } from './http-kit';

/**
 * An Entra v2 client-credentials token endpoint, strict the way Entra is: wrong client id, wrong
 * secret, bad scope and unknown tenant each get the AADSTS code and wording Entra uses, so the
 * client's "which setting to check" advice is exercised for real.
 */

export interface TokenSettings {
  tenant: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  tokenTtlSec: number;
}

export interface TokenStore {
  issue(ttlSec: number, now: number): string;
  isValid(token: string, now: number): boolean;
  expireAll(): void;
  clear(): void;
}

export function createTokenStore(): TokenStore {
  const tokens = new Map<string, number>();
  return {
    issue(ttlSec, now) {
      const token = `sbx.${randomBytes(24).toString('base64url')}`;
      tokens.set(token, now + ttlSec * 1000);
      return token;
    },
    isValid(token, now) {
      const exp = tokens.get(token);
      return exp !== undefined && now < exp;
    },
    expireAll() {
      for (const k of tokens.keys()) tokens.set(k, 0);
    },
    clear: () => tokens.clear(),
  };
}

/** The body Entra ID answers errors with: AADSTS code and text, trace and correlation ids, time. */
export function entraErrorBody(error: string, code: number, description: string, errorOrigin = 'https://login.microsoftonline.com'): Record<string, unknown> {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${errorOrigin}/error?code=${code}`,
  };
}

const entraError = (status: number, error: string, code: number, description: string): Reply => json(status, entraErrorBody(error, code, description));

const missing = (param: string) => entraError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${param}'.`);

export function handleTokenRequest(tenant: string, form: URLSearchParams, s: TokenSettings, store: TokenStore, now: number): Reply {
  if (tenant.toLowerCase() !== s.tenant.toLowerCase()) {
    return entraError(
      400,
      'invalid_request',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  const grant = form.get('grant_type');
  if (!grant) return missing('grant_type');
  if (grant !== 'client_credentials') return entraError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`);
  const clientId = form.get('client_id');
  if (!clientId) return missing('client_id');
  if (clientId !== s.clientId) {
    return entraError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${s.tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  const secret = form.get('client_secret');
  if (!secret)
    return entraError(401, 'invalid_client', 7000216, "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.");
  if (secret !== s.clientSecret) {
    return entraError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${s.clientId}'.`,
    );
  }
  const scope = form.get('scope');
  if (!scope) return missing('scope');
  if (!scope.endsWith('/.default')) {
    return entraError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  if (scope !== s.scope) {
    const resource = scope.slice(0, -'/.default'.length);
    return entraError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${s.tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  const ttl = s.tokenTtlSec;
  return json(200, { token_type: 'Bearer', expires_in: ttl, ext_expires_in: ttl, access_token: store.issue(ttl, now) });
}
