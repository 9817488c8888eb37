import { renderHelpCard } from '../../cards/help-card';
import { defineFeature, type CommandSpec } from '../registry';
import type { Turn } from '../turn';

function helpCard(turn: Turn, commands: readonly CommandSpec[], welcome: boolean) {
  return renderHelpCard({ needsMention: turn.address.kind !== 'personal', welcome, botName: turn.botName, commands });
}

/** `help`, and the greeting when the bot is added to a conversation. */
export const helpFeature = defineFeature({
  id: 'help',
  commands: [{ name: 'help', aliases: ['?'], usage: 'help', summary: 'Show this help.', permission: 'anyone' }],
  create({ commands }) {
    return {
      commands: {
        help: async (turn) => void (await turn.send(helpCard(turn, commands, false))),
      },
      verbs: {},
      onBotAdded: async (turn) => void (await turn.send(helpCard(turn, commands, true))),
    };
  },
});
