import { TurnContext } from 'botbuilder';
import type { Logger } from '../../logger';
import type { ProvisioningService } from '../../provisioning/service';
import { renderProgressCard } from '../../cards/progress-card';
import { AdaptiveCardJson } from '../../cards/render';
import { actorOf } from '../context-info';
import { cardActivity, sendInvokeCard } from '../reply';
import { turnLogger } from '../turn-logger';
import { buildForm, cardData } from './customer-form';

/** Replaces the card the action came from: via the invoke answer, or an edit for Action.Submit. */
async function answerWithCard(context: TurnContext, card: AdaptiveCardJson): Promise<void> {
  if (context.activity.type === 'invoke') {
    await sendInvokeCard(context, card);
    return;
  }
  const id = context.activity.replyToId;
  if (id) await context.updateActivity({ ...cardActivity(card), id });
  else await context.sendActivity(cardActivity(card));
}

function passwordNotice(data: Record<string, unknown>): string | undefined {
  return typeof data.CarrierUserPassword === 'string' && data.CarrierUserPassword !== ''
    ? 'For your safety the carrier password is not shown again: enter it once more before you submit.'
    : undefined;
}

/** `customer.create`: validate, then answer at once with the progress card; the work runs in the background. */
export function createSubmitCustomerHandler(deps: { service: ProvisioningService; logger: Logger }) {
  return async (context: TurnContext): Promise<void> => {
    const log = turnLogger(context, deps.logger);
    const a = context.activity;
    const data = cardData(context);
    // One form message → one request, whatever the number of clicks, retries or duplicated invokes.
    const formKey = `${a.conversation?.id ?? ''}|${a.replyToId ?? a.id}`;
    const result = await deps.service.submit({
      formKey,
      raw: data,
      actor: actorOf(context),
      conversation: TurnContext.getConversationReference(a),
      cardActivityId: a.replyToId,
    });
    if (result.kind === 'invalid') {
      log.info({ fields: Object.keys(result.fieldErrors), formError: !!result.formError }, 'form rejected');
      const card = await buildForm(deps.service, log, {
        values: data,
        fieldErrors: result.fieldErrors,
        formError: result.formError,
        notice: passwordNotice(data),
      });
      await answerWithCard(context, card);
      return;
    }
    log.info(
      { requestId: result.request.id, created: result.created },
      result.created ? 'request accepted' : 'duplicate submit: returning the existing request',
    );
    // The invoke answer replaces the card for the clicker; everyone else (and the Action.Submit
    // path) sees it through the shared edit the service triggers for every change.
    if (context.activity.type === 'invoke') await sendInvokeCard(context, renderProgressCard(result.request));
  };
}

/** `form.refresh`: re-renders the form with the chosen script's variables, keeping what was typed. */
export function createRefreshFormHandler(deps: { service: ProvisioningService; logger: Logger }) {
  return async (context: TurnContext): Promise<void> => {
    const data = cardData(context);
    const card = await buildForm(deps.service, turnLogger(context, deps.logger), { values: data, notice: passwordNotice(data) });
    await answerWithCard(context, card);
  };
}
