import { TurnContext } from 'botbuilder';
import { sendHelp } from './help';

/** Greets a conversation once, when the bot itself is among the members added. */
export function createWelcomeHandler() {
  return async (context: TurnContext): Promise<void> => {
    const botId = context.activity.recipient?.id;
    const added = context.activity.membersAdded ?? [];
    if (botId && added.some((m) => m.id === botId)) await sendHelp(context, true);
  };
}
