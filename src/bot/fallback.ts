import { escapeMarkdown } from '../cards/render';
import type { Registry } from './registry';
import type { Turn } from './turn';
import { parseCommand } from './commands';

/**
 * What no route took. Unknown text gets the closest command; a card action nobody handles (an old
 * card after an upgrade) gets told what to do; a message with neither is ignored.
 */
export function createFallback(registry: Pick<Registry, 'suggest'>) {
  return async (turn: Turn, text: string | undefined, hasValue: boolean): Promise<void> => {
    if (turn.invoke) {
      await turn.answerWithError(400, 'That card action is no longer supported. Type help and start again from a new card.');
      return;
    }
    const mention = turn.address.kind === 'personal' ? '' : `@${turn.botName} `;
    const parsed = parseCommand(text);
    if (parsed) {
      const typed = escapeMarkdown(parsed.word.slice(0, 40));
      const s = registry.suggest(parsed.word);
      await turn.send(
        s
          ? `I don't know "${typed}". Did you mean **${mention}${s.name}**? Type **${mention}help** for all commands.`
          : `I don't know "${typed}". Type **${mention}help** to see what I can do.`,
      );
      return;
    }
    if (hasValue) await turn.send(`That card action is no longer supported. Type **${mention}help** and start again from a new card.`);
  };
}
