export { createTenantLookup, DEFAULT_TENANT_CACHE_TTL_MS, DEFAULT_TENANT_NEGATIVE_CACHE_TTL_MS } from './create-tenant-lookup';
export type { TenantLookup, TenantLookupOptions } from './create-tenant-lookup';
export { isGuid, parseTenantInput } from './parse-tenant-input';
export type { ParsedTenantInput } from './parse-tenant-input';
export type { TenantResult } from './tenant-result';
