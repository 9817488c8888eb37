import { CUSTOM_VAR_PREFIX, CUSTOM_VARS_TEXT_FIELD, SCRIPT_PARAMETER_FIELDS } from './fields';
import type { ProvisioningRequest } from './request';

/**
 * `retry` and Fix and resubmit: a request that never reached a customer at Live Platform can be
 * submitted again as a new request (a new form, a new idempotency key) linked to it. A request Live
 * Platform accepted is never retried: that would be a second create of the same customer.
 */

/** Whether `r` ended without a customer at Live Platform (nothing was created, nothing can exist). */
export function endedWithNothingCreated(r: ProvisioningRequest): boolean {
  return r.state === 'rejected' || r.state === 'expired' || r.state === 'cancelled' || (r.state === 'failed' && !!r.failure?.nothingCreated);
}

/** Why `r` cannot be resubmitted, or undefined when it can. */
export function retryRefusal(r: ProvisioningRequest): string | undefined {
  if (r.retriedAs) return `${r.id} was already resubmitted as ${r.retriedAs.id}. Use that request (status ${r.retriedAs.id}).`;
  switch (r.state) {
    case 'rejected':
    case 'expired':
    case 'cancelled':
      return undefined;
    case 'failed':
      if (r.failure?.nothingCreated) return undefined;
      return `${r.id} reached Live Platform before it failed, so the customer may exist there: retrying could create it twice. Check ${r.customer.shortName} in the Live Platform portal (status ${r.customer.shortName}), remove it there if it must go, then type new.`;
    case 'deployed':
      return `${r.id} is deployed: the customer exists. There is nothing to retry.`;
    default:
      return `${r.id} is still in progress (${r.state.replace('_', ' ')}); it can only be retried once it has ended without creating anything.`;
  }
}

/**
 * The form's values for resubmitting `r`: every field as it was entered, the secrets left out
 * (they were deleted when the request ended and are asked for again). Custom variables come back as
 * their `CustomVar.VariableN` inputs; other extra script parameters as lines of the free-form box.
 */
export function formValuesOf(r: ProvisioningRequest): Record<string, string> {
  const c = r.customer;
  const values: Record<string, string> = {
    shortName: c.shortName,
    msTenantId: c.tenantInput ?? c.msTenantId,
    ovocCustomerType: c.ovocCustomerType,
    sbcId: String(c.siteLocation.sbcId),
    sbcOnboardingScript: String(c.siteLocation.sbcOnboardingScript),
    sbcCleanupScript: String(c.siteLocation.sbcCleanupScript),
  };
  if (c.fullName) values.fullName = c.fullName;
  if (c.channelId) values.channelId = c.channelId;
  if (c.lcCustomerId) values.lcCustomerId = c.lcCustomerId;
  const extra: string[] = [];
  for (const [k, v] of Object.entries(c.scriptParameters)) {
    if (SCRIPT_PARAMETER_FIELDS.includes(k) || k.startsWith(CUSTOM_VAR_PREFIX)) values[k] = v;
    else extra.push(`${k}=${v}`);
  }
  if (extra.length) values[CUSTOM_VARS_TEXT_FIELD] = extra.join('\n');
  return values;
}
