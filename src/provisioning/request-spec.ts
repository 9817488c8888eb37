import { isSecretName } from '../secrets';
import type { CreateCustomerRequest } from '../ump/types';
import type { CustomerInput } from './customer-input';
import { CUSTOM_VAR_PREFIX, SCRIPT_PARAMETER_FIELDS } from './fields';
import type { OnboardingScript } from '../ump/types';
import type { CustomerSpec, ProvisioningRequest } from './request';

/**
 * Between what the engineer entered and what Live Platform receives. Every script parameter whose
 * name is secret (the carrier password, a custom `SipTrunkPassword`, …) leaves the stored spec for
 * the sealed secrets here, and only joins the request body on its way to Live Platform.
 */
/**
 * Whether a script parameter is secret: by its own name, or, for `CustomVar.VariableN`, by the name
 * the onboarding script gives that variable (`Trunk password`).
 */
export function secretParameter(key: string, script?: Pick<OnboardingScript, 'customerVariables'>): boolean {
  if (isSecretName(key)) return true;
  const n = new RegExp(`^${CUSTOM_VAR_PREFIX.replace('.', '\\.')}Variable(\\d+)$`).exec(key)?.[1];
  const name = n ? script?.customerVariables[Number(n) - 1] : undefined;
  return !!name && isSecretName(name);
}

export function toSpec(
  v: CustomerInput,
  tenantId: string,
  script?: Pick<OnboardingScript, 'customerVariables'>,
): { spec: CustomerSpec; secrets: Record<string, string> } {
  const parameters: Record<string, string> = { ...v.customVariables };
  for (const k of SCRIPT_PARAMETER_FIELDS) {
    const val = v[k as keyof CustomerInput];
    if (typeof val === 'string') parameters[k] = val;
  }
  const scriptParameters: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const [k, val] of Object.entries(parameters)) (secretParameter(k, script) ? secrets : scriptParameters)[k] = val;
  return {
    spec: {
      shortName: v.shortName,
      fullName: v.fullName,
      siteLocation: { sbcId: v.sbcId, sbcOnboardingScript: v.sbcOnboardingScript, sbcCleanupScript: v.sbcCleanupScript },
      ovocCustomerType: v.ovocCustomerType,
      msTenantId: tenantId,
      tenantInput: v.msTenantId,
      channelId: v.channelId,
      lcCustomerId: v.lcCustomerId,
      scriptParameters,
      secretKeys: Object.keys(secrets),
    },
    secrets,
  };
}

/** The body of `POST /api/v2/customer` for a stored request and its unsealed secrets. */
export function toApiRequest(req: ProvisioningRequest, secrets: Record<string, string>): CreateCustomerRequest {
  const c = req.customer;
  return {
    shortName: c.shortName,
    fullName: c.fullName ?? c.shortName,
    siteLocation: c.siteLocation,
    ovocCustomerType: c.ovocCustomerType,
    msTenantId: c.msTenantId,
    ...(c.channelId ? { channelId: c.channelId } : {}),
    ...(c.lcCustomerId ? { lcCustomerId: c.lcCustomerId } : {}),
    scriptParameters: { ...c.scriptParameters, ...secrets },
  };
}
