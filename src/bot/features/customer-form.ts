import type { Logger } from '../../logger';
import type { ProvisioningService } from '../../provisioning/service';
import { NOT_CONFIGURED_MESSAGE } from '../../provisioning/service';
import { CREATE_FIELDS, CUSTOM_VAR_PREFIX } from '../../provisioning/fields';
import { FormCardData, renderFormCard } from '../../cards/form-card';
import { AdaptiveCardJson } from '../../cards/render';
import type { OnboardingScript } from '../../ump/types';
import { userMessageOf } from '../../errors';
import { withDeadline } from '../../deadline';
import { isSecretName } from '../../secrets';

/** How long the form waits for Live Platform's script list before falling back to plain inputs. */
export const SCRIPTS_BUDGET_MS = 2_500;

/** Renders the form with Live Platform's script list when it can be had in time, plain inputs otherwise. */
export async function buildForm(
  service: ProvisioningService,
  logger: Logger,
  d: Omit<FormCardData, 'scripts' | 'scriptsUnavailableReason'>,
  /** The script list a submit's checks already had (or did not get in time): rebuild from it, never wait again. */
  known?: { scripts?: OnboardingScript[] },
): Promise<AdaptiveCardJson> {
  if (!service.configured) return renderFormCard({ ...d, formError: d.formError ?? NOT_CONFIGURED_MESSAGE });
  if (known) {
    return known.scripts
      ? renderFormCard({ ...d, scripts: known.scripts })
      : renderFormCard({ ...d, scriptsUnavailableReason: 'The script list did not come from Live Platform in time, so enter the script ids by hand.' });
  }
  service.prefetch();
  try {
    const scripts = await withDeadline(service.onboardingScripts(), SCRIPTS_BUDGET_MS, () => {
      throw new Error('Live Platform did not list the scripts in time');
    });
    return renderFormCard({ ...d, scripts });
  } catch (err) {
    logger.warn({ err: { message: (err as Error).message } }, 'form without script list');
    const why = userMessageOf(err) ?? (err as Error).message;
    return renderFormCard({
      ...d,
      scriptsUnavailableReason: `The script list could not be loaded from Live Platform (${why}), so enter the script ids by hand.`,
    });
  }
}

const KNOWN = new Map(CREATE_FIELDS.map((f) => [f.id.toLowerCase(), f]));
const PREFILLABLE = CREATE_FIELDS.filter((f) => !f.secret).map((f) => f.id);

/** `new shortName=Acme msTenantId=contoso.onmicrosoft.com` → prefilled values; unknown keys are reported. */
export function prefillFromArgs(named: Record<string, string>): { values: Record<string, string>; unknown: string[] } {
  const values: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(named)) {
    const field = KNOWN.get(k.toLowerCase());
    // Secrets are only accepted in the form: a chat message stays in the conversation's history.
    if (field?.secret) unknown.push(k);
    else if (field) values[field.id] = v;
    else if (/^(customvar\.)?variable\d+$/i.test(k)) values[`${CUSTOM_VAR_PREFIX}Variable${/\d+$/.exec(k)![0]}`] = v;
    else unknown.push(k);
  }
  return { values, unknown };
}

export function prefillNotice(unknown: string[]): string | undefined {
  if (!unknown.length) return undefined;
  const secretHint = unknown.some(isSecretName) ? ' (passwords are only accepted in the form, never in chat)' : '';
  return `Ignored ${unknown.map((u) => `'${u}'`).join(', ')}: not a form field${secretHint}. Fields: ${PREFILLABLE.join(', ')}.`;
}
