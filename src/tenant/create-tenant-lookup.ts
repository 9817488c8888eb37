import type { Logger } from '../logger';
import { parseTenantInput } from './parse-tenant-input';
import { createOpenIdDiscovery, type DiscoveryOutcome } from './query-openid-configuration';
import { notFoundMessage, type TenantResult } from './tenant-result';

export interface TenantLookupOptions {
  /** e.g. https://login.microsoftonline.com; configurable for sovereign clouds and the local stand-in. */
  authority: string;
  timeoutMs: number;
  logger: Logger;
  /** How long a found tenant is remembered. Domains rarely move between tenants. */
  cacheTtlMs?: number;
  /** How long "not found" is remembered: short, so a tenant created a minute later is seen. */
  negativeCacheTtlMs?: number;
  /** Clock for cache expiry; tests move it instead of waiting. */
  now?: () => number;
  /** Bound on remembered answers, since the inputs come from users. Oldest go first. */
  maxCacheEntries?: number;
}

export interface TenantLookup {
  /** Never rejects: every failure is a `TenantResult`. */
  resolve(input: string): Promise<TenantResult>;
}

export const DEFAULT_TENANT_CACHE_TTL_MS = 6 * 60 * 60 * 1000;
export const DEFAULT_TENANT_NEGATIVE_CACHE_TTL_MS = 60 * 1000;
const DEFAULT_MAX_CACHE_ENTRIES = 1000;

type Conclusive = Exclude<DiscoveryOutcome, { kind: 'unverified' }>;

export function createTenantLookup(opts: TenantLookupOptions): TenantLookup {
  const discover = createOpenIdDiscovery(opts);
  const now = opts.now ?? Date.now;
  const ttl = { found: opts.cacheTtlMs ?? DEFAULT_TENANT_CACHE_TTL_MS, not_found: opts.negativeCacheTtlMs ?? DEFAULT_TENANT_NEGATIVE_CACHE_TTL_MS };
  const maxEntries = opts.maxCacheEntries ?? DEFAULT_MAX_CACHE_ENTRIES;
  const log = opts.logger.child({ component: 'tenant-lookup' });
  const cache = new Map<string, { outcome: Conclusive; expiresAt: number }>();
  const inFlight = new Map<string, Promise<DiscoveryOutcome>>();

  function recall(key: string): Conclusive | undefined {
    const hit = cache.get(key);
    if (hit && hit.expiresAt > now()) return hit.outcome;
    cache.delete(key);
    return undefined;
  }

  function remember(key: string, outcome: Conclusive): void {
    const ms = ttl[outcome.kind];
    if (ms <= 0) return;
    cache.delete(key);
    cache.set(key, { outcome, expiresAt: now() + ms });
    for (const oldest of cache.keys()) {
      if (cache.size <= maxEntries) break;
      cache.delete(oldest);
    }
  }

  async function settle(tenant: { kind: 'guid' | 'domain'; value: string }): Promise<DiscoveryOutcome> {
    const outcome = await discover(tenant);
    if (outcome.kind === 'unverified') {
      log.warn({ tenant: tenant.value, reason: outcome.reason }, 'tenant could not be verified');
      return outcome;
    }
    remember(tenant.value, outcome);
    if (outcome.kind === 'found') {
      if (outcome.tenantId !== tenant.value) remember(outcome.tenantId, outcome);
      log.debug({ tenant: tenant.value, tenantId: outcome.tenantId }, 'tenant found');
    } else {
      log.debug({ tenant: tenant.value }, 'tenant not found');
    }
    return outcome;
  }

  /** Cache first, then join a request already under way for the same tenant, else start one. */
  function lookUp(tenant: { kind: 'guid' | 'domain'; value: string }): Promise<DiscoveryOutcome> {
    const hit = recall(tenant.value);
    if (hit) return Promise.resolve(hit);
    let pending = inFlight.get(tenant.value);
    if (!pending) {
      pending = settle(tenant).finally(() => inFlight.delete(tenant.value));
      inFlight.set(tenant.value, pending);
    }
    return pending;
  }

  return {
    async resolve(input) {
      const parsed = parseTenantInput(input);
      if (!parsed.ok) return { status: 'invalid', input, message: parsed.message };
      let outcome: DiscoveryOutcome;
      try {
        outcome = await lookUp(parsed);
      } catch (err) {
        // Defensive: discovery classifies its own failures, so this means a bug, not a network problem.
        log.error({ err, tenant: parsed.value }, 'tenant lookup failed unexpectedly');
        outcome = { kind: 'unverified', reason: `lookup failed unexpectedly: ${err instanceof Error ? err.message : String(err)}` };
      }
      switch (outcome.kind) {
        case 'found':
          return { status: 'found', tenantId: outcome.tenantId, input };
        case 'not_found':
          return { status: 'not_found', input, message: notFoundMessage(input) };
        case 'unverified':
          return { status: 'unverified', input, reason: outcome.reason };
      }
    },
  };
}
