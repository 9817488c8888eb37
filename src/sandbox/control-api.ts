import { z } from 'zod/v4';
import { faultSchema, type FaultQueue } from './faults';
import { json, type Reply } from './http-kit';
import type { RequestLog } from './request-log';
import { maxConcurrent, type SandboxSettings, type SandboxState } from './state';
import type { TokenStore } from './token-endpoint';

/**
 * `/_sandbox/*`: inspect and steer a running sandbox over HTTP (no auth: it is a local test tool).
 * The same operations exist as methods on the object createUmpSandbox returns.
 */

export const settingsPatchSchema = z
  .object({
    mode: z.enum(['sync', 'poll', 'task']),
    stepMs: z.number().int().min(0),
    slowMs: z.number().int().min(0),
    casing: z.enum(['documented', 'drifted']),
    pageSize: z.number().int().min(1).max(100),
    uniqueTenant: z.boolean(),
    tokenTtlSec: z.number().int().min(1),
  })
  .partial()
  .strict();

const configBodySchema = settingsPatchSchema.extend({
  faults: z.array(faultSchema).optional(),
  clearFaults: z.boolean().optional(),
  expireTokens: z.boolean().optional(),
});

export interface ControlDeps {
  log: RequestLog;
  faults: FaultQueue;
  tokens: TokenStore;
  configure(patch: Partial<SandboxSettings>): SandboxSettings;
  reset(): void;
  settings(): SandboxSettings;
  state(): SandboxState;
  customers(): unknown[];
  credentials: { clientId: string; scope: string; tenant: string };
}

export type ControlApi = (method: string, path: string, text: string) => Reply;

export function createControlApi(d: ControlDeps): ControlApi {
  return (method, path, text) => {
    const sub = path.slice('/_sandbox'.length).replace(/\/+$/, '') || '/';
    if (method === 'GET' && sub === '/requests') return json(200, d.log.list());
    if (method === 'GET' && sub === '/requests/counts') return json(200, d.log.counts());
    if (method === 'DELETE' && sub === '/requests') {
      d.log.clear();
      return json(200, { cleared: true });
    }
    if (method === 'GET' && sub === '/config')
      return json(200, {
        settings: d.settings(),
        faults: d.faults.pending(),
        credentials: { clientId: d.credentials.clientId, scope: d.credentials.scope, tenant: d.credentials.tenant },
      });
    if (method === 'POST' && sub === '/config') {
      let body: unknown;
      try {
        body = text.trim() === '' ? {} : JSON.parse(text);
      } catch {
        return json(400, { error: 'body is not JSON' });
      }
      const parsed = configBodySchema.safeParse(body);
      if (!parsed.success)
        return json(400, { error: 'invalid sandbox config', issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`) });
      const { faults: newFaults, clearFaults, expireTokens, ...patch } = parsed.data;
      if (clearFaults) d.faults.clear();
      if (newFaults) d.faults.add(...newFaults);
      if (expireTokens) d.tokens.expireAll();
      d.configure(patch);
      return json(200, { settings: d.settings(), faults: d.faults.pending() });
    }
    if (method === 'POST' && sub === '/reset') {
      d.reset();
      return json(200, { reset: true, settings: d.settings() });
    }
    if (method === 'GET' && sub === '/state') {
      return json(200, {
        customers: d.customers(),
        sbcs: d.state().sbcs,
        channels: d.state().channels,
        lcCustomers: d.state().lcCustomers,
        scriptTemplates: d.state().scripts.length,
        maxConcurrentDeployments: maxConcurrent(d.state().deployments),
      });
    }
    return json(404, {
      error: `unknown sandbox control endpoint ${method} ${path}`,
      endpoints: [
        'GET /_sandbox/requests',
        'GET /_sandbox/requests/counts',
        'DELETE /_sandbox/requests',
        'GET|POST /_sandbox/config',
        'POST /_sandbox/reset',
        'GET /_sandbox/state',
      ],
    });
  };
}
