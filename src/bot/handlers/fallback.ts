import { TurnContext } from 'botbuilder';
import { escapeMarkdown } from '../../cards/render';
import { parseCommand, suggestCommand } from '../commands';
import { conversationKind } from '../context-info';
import { sendInvokeError } from '../reply';

/**
 * Last route. Unknown text gets the closest command; a card action nobody handles (an old card
 * after an upgrade) gets told what to do; a message with neither is ignored.
 */
export function createFallbackHandler() {
  return async (context: TurnContext): Promise<void> => {
    const a = context.activity;
    if (a.type === 'invoke') {
      await sendInvokeError(context, 400, 'That card action is no longer supported. Type help and start again from a new card.');
      return;
    }
    const parsed = parseCommand(a.text);
    const mention = conversationKind(context) === 'personal' ? '' : `@${a.recipient?.name ?? 'bot'} `;
    if (parsed) {
      const typed = escapeMarkdown(parsed.word.slice(0, 40));
      const s = suggestCommand(parsed.word);
      await context.sendActivity(
        s
          ? `I don't know "${typed}". Did you mean **${mention}${s.name}**? Type **${mention}help** for all commands.`
          : `I don't know "${typed}". Type **${mention}help** to see what I can do.`,
      );
      return;
    }
    if (a.value !== undefined && a.value !== null) {
      await context.sendActivity(`That card action is no longer supported. Type **${mention}help** and start again from a new card.`);
    }
  };
}
