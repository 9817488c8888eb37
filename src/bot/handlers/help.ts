import { TurnContext } from 'botbuilder';
import { renderHelpCard } from '../../cards/help-card';
import { conversationKind } from '../context-info';
import { sendCard } from '../reply';

export async function sendHelp(context: TurnContext, welcome = false): Promise<void> {
  await sendCard(context, renderHelpCard({ needsMention: conversationKind(context) !== 'personal', welcome, botName: context.activity.recipient?.name }));
}

export function createHelpHandler() {
  return async (context: TurnContext): Promise<void> => sendHelp(context);
}
