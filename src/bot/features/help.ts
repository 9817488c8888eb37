import { renderHelpCard } from '../../cards/help-card';
import { defineFeature, type CommandSpec } from '../registry';
import type { AccessGuard } from '../access-guard';
import type { Turn } from '../turn';

/** The commands this actor may run here, so help never offers what would be refused. */
function helpCard(turn: Turn, commands: readonly CommandSpec[], guard: AccessGuard, welcome: boolean) {
  return renderHelpCard({
    needsMention: turn.address.kind !== 'personal',
    welcome,
    botName: turn.botName,
    commands: commands.filter((c) => guard.may(turn, c.permission)),
    canRequest: guard.may(turn, 'request'),
  });
}

/** `help`, and the greeting when the bot is added to a conversation. */
export const helpFeature = defineFeature({
  id: 'help',
  commands: [{ name: 'help', aliases: ['?'], usage: 'help', summary: 'Show the commands you can use here.', example: 'help', permission: 'help' }],
  create({ commands, guard }) {
    return {
      commands: {
        help: async (turn) => void (await turn.send(helpCard(turn, commands, guard, false))),
      },
      verbs: {},
      onBotAdded: async (turn) => void (await turn.send(helpCard(turn, commands, guard, true))),
    };
  },
});
