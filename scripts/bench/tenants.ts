/** The customer tenants of a benchmark run: `bench-<i>.onmicrosoft.com`, each with its own GUID. */
export const benchTenantDomain = (i: number): string => `bench-${i}.onmicrosoft.com`;

export function benchTenants(count: number): Record<string, string> {
  const tenants: Record<string, string> = {};
  for (let i = 0; i < count; i++) tenants[benchTenantDomain(i)] = `be0c${String(i % 10_000).padStart(4, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`;
  return tenants;
}
