import { Activity, CardFactory, MessageFactory, TurnContext } from 'botbuilder';
import { AdaptiveCardJson } from '../cards/render';

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export function cardActivity(card: AdaptiveCardJson): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}

export async function sendCard(context: TurnContext, card: AdaptiveCardJson): Promise<string | undefined> {
  const res = await context.sendActivity(cardActivity(card));
  return res?.id;
}

/** Answers an Action.Execute invoke ourselves (see docs/architecture.md: no teams-ai auto-replace). */
export async function sendInvokeCard(context: TurnContext, card: AdaptiveCardJson): Promise<void> {
  await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: { statusCode: 200, type: CARD_CONTENT_TYPE, value: card } } });
}

export async function sendInvokeError(context: TurnContext, statusCode: 400 | 500, message: string): Promise<void> {
  await context.sendActivity({
    type: 'invokeResponse',
    value: {
      status: 200,
      body: { statusCode, type: 'application/vnd.microsoft.error', value: { code: statusCode === 400 ? 'BadRequest' : 'InternalError', message } },
    },
  });
}
