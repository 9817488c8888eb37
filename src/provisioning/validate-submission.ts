import type { CustomerSummary, OnboardingScript } from '../ump/types';
import { AUTO_CLEANUP, CustomerInput, FieldErrors, parseCustomerInput } from './customer-input';
import { isGuid } from '../tenant';
import { TenantPort } from './ports';
import { ProvisioningRequest } from './request';

/**
 * Everything checked before a request is stored: the fields, the Microsoft tenant and duplicates
 * in Live Platform and among our own unfinished requests. Each problem is keyed by the form field
 * it belongs to, so the form can show it in place.
 */
export interface SubmissionChecks {
  tenants: TenantPort;
  unverifiedTenantPolicy: 'block' | 'warn';
  /** Onboarding scripts, or undefined when they cannot be had in time. */
  scripts(): Promise<OnboardingScript[] | undefined>;
  /** Live Platform's customers, or undefined when they cannot be had in time. */
  customers(): Promise<CustomerSummary[] | undefined>;
  activeRequest(shortName: string): Promise<ProvisioningRequest | undefined>;
  /** Whether the submitter may be told which customer owns a Microsoft tenant (admins). */
  mayNameOwners: boolean;
  /** Whether the submitter may be told who made another request and its id. */
  mayView(request: ProvisioningRequest): boolean;
}

export type CheckedSubmission = { ok: true; value: CustomerInput; tenantId: string; warnings: string[] } | { ok: false; fieldErrors: FieldErrors };

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

async function checkTenant(input: string, c: SubmissionChecks): Promise<{ tenantId?: string; error?: string; warning?: string }> {
  const t = await c.tenants.resolve(input);
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

/** Live Platform refuses a second customer with the same short name or the same Microsoft tenant. */
async function duplicates(shortName: string, tenantId: string | undefined, list: CustomerSummary[] | undefined, c: SubmissionChecks): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const mine = await c.activeRequest(shortName);
  const byName = list?.find((x) => x.shortName.toLowerCase() === shortName.toLowerCase());
  if (mine) {
    errors.shortName = [
      c.mayView(mine)
        ? `A request for '${mine.customer.shortName}' is already in progress (${mine.id}, by ${mine.requestedBy.name}).`
        : `A request for '${mine.customer.shortName}' is already in progress in another conversation. Choose another short name.`,
    ];
  } else if (byName) errors.shortName = [`A customer named '${byName.shortName}' already exists in Live Platform. Choose another short name.`];
  const byTenant = tenantId ? list?.find((x) => x.msTenantId?.toLowerCase() === tenantId) : undefined;
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

export async function validateSubmission(untrusted: Record<string, unknown>, c: SubmissionChecks): Promise<CheckedSubmission> {
  const raw = { ...untrusted };
  // Started together: each look-up has its own budget, and a submit must answer within Teams' 5 s.
  const scripts = c.scripts();
  const customers = c.customers();
  const cleanupErrors = await resolveCleanup(raw, scripts);
  if (Object.keys(cleanupErrors).length) return { ok: false, fieldErrors: cleanupErrors };

  const parsed = parseCustomerInput(raw);
  if (!parsed.ok) {
    // Report a bad tenant together with the other mistakes, not one round-trip later.
    const tenantText = typeof raw.msTenantId === 'string' ? raw.msTenantId.trim() : '';
    const t = tenantText && !parsed.errors.msTenantId ? await c.tenants.resolve(tenantText) : undefined;
    const tenantErrors: FieldErrors = t && (t.status === 'invalid' || t.status === 'not_found') ? { msTenantId: [t.message] } : {};
    return { ok: false, fieldErrors: { ...parsed.errors, ...tenantErrors } };
  }
  const v = parsed.value;
  const [tenant, list] = await Promise.all([checkTenant(v.msTenantId, c), customers]);
  const warnings = [
    tenant.warning,
    list ? undefined : 'Live Platform was slow to list customers, so the duplicate check is left to Live Platform itself.',
  ].filter((w): w is string => !!w);
  const fieldErrors: FieldErrors = { ...(await duplicates(v.shortName, tenant.tenantId, list, c)), ...(tenant.error ? { msTenantId: [tenant.error] } : {}) };
  if (Object.keys(fieldErrors).length || !tenant.tenantId) return { ok: false, fieldErrors };
  return { ok: true, value: v, tenantId: tenant.tenantId, warnings };
}
