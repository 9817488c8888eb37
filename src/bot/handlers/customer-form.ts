import { TurnContext } from 'botbuilder';
import type { Logger } from '../../logger';
import type { ProvisioningService } from '../../provisioning/service';
import { NOT_CONFIGURED_MESSAGE } from '../../provisioning/service';
import { FormCardData, renderFormCard } from '../../cards/form-card';
import { AdaptiveCardJson } from '../../cards/render';
import { userMessageOf } from '../../errors';
import { withDeadline } from '../../deadline';

/** How long the form waits for Live Platform's script list before falling back to plain inputs. */
export const SCRIPTS_BUDGET_MS = 2_500;

/** Renders the form with Live Platform's script list when it can be had in time, plain inputs otherwise. */
export async function buildForm(
  service: ProvisioningService,
  logger: Logger,
  d: Omit<FormCardData, 'scripts' | 'scriptsUnavailableReason'>,
): Promise<AdaptiveCardJson> {
  if (!service.configured) return renderFormCard({ ...d, formError: d.formError ?? NOT_CONFIGURED_MESSAGE });
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

/**
 * The form's values: card data arrives as `value.action.data` (Action.Execute) or `value`
 * (Action.Submit fallback); the routing `verb` is not a form value and is left out.
 */
export function cardData(context: TurnContext): Record<string, unknown> {
  const v = context.activity.value as { action?: { data?: unknown } } | Record<string, unknown> | undefined;
  const data = context.activity.type === 'invoke' ? (v as { action?: { data?: unknown } })?.action?.data : v;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return {};
  const { verb, ...values } = data as Record<string, unknown>;
  return values;
}
