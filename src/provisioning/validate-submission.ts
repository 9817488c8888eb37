import type { CustomerList, CustomerSummary, OnboardingScript } from '../ump/types';
import { AUTO_CLEANUP, CustomerInput, FieldErrors, parseCustomerInput } from './customer-input';
import { isGuid } from '../tenant';
import { TenantPort } from './ports';
import type { TenantResult } from '../tenant/tenant-result';
import { ProvisioningRequest } from './request';

/**
 * Everything checked before a request is stored: the fields, the Microsoft tenant and duplicates
 * in Live Platform and among our own unfinished requests. Each problem is keyed by the form field
 * it belongs to, so the form can show it in place.
 */
export interface SubmissionChecks {
  tenants: TenantPort;
  /**
   * The invoke's one deadline: `p`, or undefined once the time left for the whole submit is used up
   * (Teams shows an error after 5 s). Every look-up runs at once under it.
   */
  within<T>(p: Promise<T>): Promise<T | undefined>;
  unverifiedTenantPolicy: 'block' | 'warn';
  /** Onboarding scripts, or undefined when they cannot be had in time. */
  scripts(): Promise<OnboardingScript[] | undefined>;
  /** Live Platform's customers (with how many entries could not be read), or undefined when they cannot be had in time. */
  customers(): Promise<CustomerList | undefined>;
  activeRequest(shortName: string): Promise<ProvisioningRequest | undefined>;
  /** Whether the submitter may be told which customer owns a Microsoft tenant (admins). */
  mayNameOwners: boolean;
  /** Whether the submitter may be told who made another request and its id. */
  mayView(request: ProvisioningRequest): boolean;
}

export type CheckedSubmission =
  | { ok: true; value: CustomerInput; tenantId: string; warnings: string[]; scripts?: OnboardingScript[] }
  /** `scripts`: what the look-up gave, so the form is rebuilt without asking again. */
  | { ok: false; fieldErrors: FieldErrors; scripts?: OnboardingScript[] };

/** `auto` (or empty) cleanup means the script Live Platform relates to the chosen onboarding script. */
async function resolveCleanup(raw: Record<string, unknown>, scripts: Promise<OnboardingScript[] | undefined>): Promise<FieldErrors> {
  const cleanup = typeof raw.sbcCleanupScript === 'string' ? raw.sbcCleanupScript.trim() : raw.sbcCleanupScript;
  if (cleanup !== AUTO_CLEANUP && cleanup !== '' && cleanup !== undefined) return {};
  const onboarding = Number(raw.sbcOnboardingScript);
  const related = (await scripts)?.find((s) => s.id === onboarding)?.cleanupScriptId;
  if (related !== undefined) {
    raw.sbcCleanupScript = String(related);
    return {};
  }
  if (cleanup === AUTO_CLEANUP && Number.isInteger(onboarding) && onboarding > 0) {
    return {
      sbcCleanupScript: [
        `No cleanup script is related to onboarding script ${onboarding} in Live Platform (or the list could not be loaded): choose the cleanup script.`,
      ],
    };
  }
  return {};
}

async function checkTenant(
  input: string,
  lookup: Promise<TenantResult>,
  c: SubmissionChecks,
): Promise<{ tenantId?: string; error?: string; warning?: string }> {
  const t = await lookup;
  if (t.status === 'found') return { tenantId: t.tenantId };
  if (t.status === 'invalid' || t.status === 'not_found') return { error: t.message };
  if (c.unverifiedTenantPolicy === 'block') return { error: `The tenant could not be verified with Microsoft right now (${t.reason}). Try again in a minute.` };
  if (!isGuid(input)) {
    return {
      error: 'The tenant could not be verified with Microsoft right now, so a domain cannot be turned into a tenant id. Enter the tenant GUID instead.',
    };
  }
  return {
    tenantId: input.toLowerCase(),
    warning: `The tenant id could not be verified with Microsoft (${t.reason}); Live Platform validates it again as its first step.`,
  };
}

/**
 * The script ids must be scripts Live Platform lists (it runs them on a shared SBC): the onboarding
 * script among its onboarding scripts, the cleanup script among their cleanup scripts. Without the
 * list the check is Live Platform's own.
 */
function unknownScripts(v: CustomerInput, scripts: OnboardingScript[] | undefined): FieldErrors {
  if (!scripts?.length) return {};
  const errors: FieldErrors = {};
  if (!scripts.some((s) => s.id === v.sbcOnboardingScript)) {
    errors.sbcOnboardingScript = [`Live Platform has no onboarding script ${v.sbcOnboardingScript}. Choose one from the list.`];
  }
  const cleanups = new Set(scripts.map((s) => s.cleanupScriptId).filter((id): id is number => id !== undefined));
  if (cleanups.size && !cleanups.has(v.sbcCleanupScript)) {
    errors.sbcCleanupScript = [`Live Platform has no cleanup script ${v.sbcCleanupScript}. Choose one from the list, or the matching one.`];
  }
  return errors;
}

interface CustomerIndex {
  indexed: number;
  byName: Map<string, CustomerSummary>;
  byTenant: Map<string, CustomerSummary>;
}
const indexes = new WeakMap<CustomerSummary[], CustomerIndex>();

/**
 * Look-ups by short name and by tenant (first entry wins, as a search would), built once per list
 * and extended as entries are appended to it: with thousands of customers, searching the list on
 * every click was a tenth of the bot's CPU under load.
 */
export function customerIndex(list: CustomerSummary[]): CustomerIndex {
  let ix = indexes.get(list);
  if (!ix) {
    ix = { indexed: 0, byName: new Map(), byTenant: new Map() };
    indexes.set(list, ix);
  }
  for (; ix.indexed < list.length; ix.indexed++) {
    const c = list[ix.indexed];
    const name = c.shortName.toLowerCase();
    if (!ix.byName.has(name)) ix.byName.set(name, c);
    const tenant = c.msTenantId?.toLowerCase();
    if (tenant && !ix.byTenant.has(tenant)) ix.byTenant.set(tenant, c);
  }
  return ix;
}

/** Live Platform refuses a second customer with the same short name or the same Microsoft tenant. */
async function duplicates(shortName: string, tenantId: string | undefined, list: CustomerSummary[] | undefined, c: SubmissionChecks): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const mine = await c.activeRequest(shortName);
  const ix = list && customerIndex(list);
  const byName = ix?.byName.get(shortName.toLowerCase());
  if (mine) {
    errors.shortName = [
      c.mayView(mine)
        ? `A request for '${mine.customer.shortName}' is already in progress (${mine.id}, by ${mine.requestedBy.name}).`
        : `A request for '${mine.customer.shortName}' is already in progress in another conversation. Choose another short name.`,
    ];
  } else if (byName) errors.shortName = [`A customer named '${byName.shortName}' already exists in Live Platform. Choose another short name.`];
  const byTenant = tenantId ? ix?.byTenant.get(tenantId.toLowerCase()) : undefined;
  if (byTenant) {
    // Which customer owns a tenant is not everyone's business: only admins are told its name.
    errors.msTenantId = [
      c.mayNameOwners
        ? `This Microsoft tenant already belongs to customer '${byTenant.shortName}' in Live Platform; a tenant can be onboarded only once.`
        : 'This Microsoft tenant already has a customer in Live Platform; a tenant can be onboarded only once. Check the tenant id, or ask an admin which customer owns it.',
    ];
  }
  return errors;
}

/** What the tenant look-up says when the submit's time ran out first. */
const tooSlow = (input: string): TenantResult => ({ status: 'unverified', input, reason: 'Microsoft did not answer in time' });

export async function validateSubmission(untrusted: Record<string, unknown>, c: SubmissionChecks): Promise<CheckedSubmission> {
  const raw = { ...untrusted };
  // Every look-up starts now, under the one deadline of the invoke: Teams shows an error after 5 s.
  const scripts = c.within(c.scripts()).then((s) => s ?? undefined);
  const customers = c.within(c.customers()).then((l) => l ?? undefined);
  const tenantText = typeof raw.msTenantId === 'string' ? raw.msTenantId.trim() : '';
  const tenantLookup = tenantText
    ? c.within(c.tenants.resolve(tenantText)).then(
        (t) => t ?? tooSlow(tenantText),
        (err: unknown) => ({ status: 'unverified', input: tenantText, reason: (err as Error)?.message ?? 'lookup failed' }) as TenantResult,
      )
    : undefined;
  const known = async () => (await scripts) ?? undefined;
  const cleanupErrors = await resolveCleanup(raw, scripts);
  if (Object.keys(cleanupErrors).length) return { ok: false, fieldErrors: cleanupErrors, scripts: await known() };

  const parsed = parseCustomerInput(raw);
  if (!parsed.ok) {
    // Report a bad tenant together with the other mistakes, not one round-trip later.
    const t = tenantLookup && !parsed.errors.msTenantId ? await tenantLookup : undefined;
    const tenantErrors: FieldErrors = t && (t.status === 'invalid' || t.status === 'not_found') ? { msTenantId: [t.message] } : {};
    return { ok: false, fieldErrors: { ...parsed.errors, ...tenantErrors }, scripts: await known() };
  }
  const v = parsed.value;
  const lookup = tenantLookup && v.msTenantId === tenantText ? tenantLookup : c.within(c.tenants.resolve(v.msTenantId)).then((t) => t ?? tooSlow(v.msTenantId));
  const [tenant, listed] = await Promise.all([checkTenant(v.msTenantId, lookup, c), customers]);
  const list = listed?.customers;
  const warnings = [
    tenant.warning,
    listed ? undefined : 'Live Platform was slow to list customers, so the duplicate check is left to Live Platform itself.',
    listed && listed.skipped > 0
      ? `Live Platform listed ${listed.skipped} customer${listed.skipped === 1 ? '' : 's'} the bot could not read, so the duplicate check is partly left to Live Platform itself.`
      : undefined,
  ].filter((w): w is string => !!w);
  const scriptList = await known();
  if (!scriptList) warnings.push('The script list could not be read in time, so Live Platform checks the script ids itself.');
  const fieldErrors: FieldErrors = {
    ...unknownScripts(v, scriptList),
    ...(await duplicates(v.shortName, tenant.tenantId, list, c)),
    ...(tenant.error ? { msTenantId: [tenant.error] } : {}),
  };
  if (Object.keys(fieldErrors).length || !tenant.tenantId) return { ok: false, fieldErrors, scripts: await known() };
  return { ok: true, value: v, tenantId: tenant.tenantId, warnings, scripts: scriptList };
}
