import { TurnContext } from 'botbuilder';
import type { Logger } from '../../logger';
import type { ProvisioningService } from '../../provisioning/service';
import { CREATE_FIELDS, CUSTOM_VAR_PREFIX } from '../../provisioning/fields';
import { isSecretName } from '../../secrets';
import { parseCommand } from '../commands';
import { sendCard } from '../reply';
import { turnLogger } from '../turn-logger';
import { buildForm } from './customer-form';

const KNOWN = new Map(CREATE_FIELDS.map((f) => [f.id.toLowerCase(), f]));
const PREFILLABLE = CREATE_FIELDS.filter((f) => !f.secret).map((f) => f.id);

/** `new shortName=Acme msTenantId=contoso.onmicrosoft.com` → prefilled values; unknown keys are reported. */
export function prefillFromArgs(named: Record<string, string>): { values: Record<string, string>; unknown: string[] } {
  const values: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(named)) {
    const field = KNOWN.get(k.toLowerCase());
    // Secrets are only accepted in the form: a chat message is kept in the conversation's history.
    if (field?.secret) unknown.push(k);
    else if (field) values[field.id] = v;
    else if (/^(customvar\.)?variable\d+$/i.test(k)) values[`${CUSTOM_VAR_PREFIX}Variable${/\d+$/.exec(k)![0]}`] = v;
    else unknown.push(k);
  }
  return { values, unknown };
}

export function createNewCustomerHandler(deps: { service: ProvisioningService; logger: Logger }) {
  return async (context: TurnContext): Promise<void> => {
    const log = turnLogger(context, deps.logger);
    const parsed = parseCommand(context.activity.text);
    const { values, unknown } = prefillFromArgs(parsed?.args.named ?? {});
    const notice = unknown.length
      ? `Ignored ${unknown.map((u) => `'${u}'`).join(', ')}: not a form field${unknown.some(isSecretName) ? ' (passwords are only accepted in the form, never in chat)' : ''}. Fields: ${PREFILLABLE.join(', ')}.`
      : undefined;
    const card = await buildForm(deps.service, log, { values, notice });
    await sendCard(context, card);
  };
}
