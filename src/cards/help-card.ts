import { AdaptiveCardJson, escapeMarkdown, renderTemplate } from './render';

export interface HelpCardOptions {
  /** Group chats and channels need an @mention before every command. */
  needsMention: boolean;
  welcome?: boolean;
  botName?: string;
  /** The commands to list, in order (those this user may run). */
  commands: readonly { usage: string; summary: string; example: string }[];
  /** Whether this user may create customers (shows the New customer button). */
  canRequest?: boolean;
}

export function renderHelpCard(opts: HelpCardOptions): AdaptiveCardJson {
  const prefix = opts.needsMention ? `@${opts.botName ?? 'bot'} ` : '';
  return renderTemplate('help', {
    intro: opts.welcome
      ? 'Hi! I create Essentials customers on AudioCodes Live Platform and keep this card up to date while the deployment runs.'
      : opts.canRequest === false
        ? 'I create Essentials customers on AudioCodes Live Platform. You are not a requester here, so these are the commands you can use:'
        : 'I create Essentials customers on AudioCodes Live Platform. Commands:',
    commands: opts.commands.map((c) => ({ usage: escapeMarkdown(prefix + c.usage), summary: escapeMarkdown(c.summary), example: escapeMarkdown(`e.g. ${prefix}${c.example}`) })),
    footer: opts.needsMention
      ? `In this conversation, mention me first, e.g. ${escapeMarkdown(`${prefix}new`)}. A leading / works too.`
      : 'Type a command, e.g. new. A leading / works too (/new).',
    canRequest: opts.canRequest !== false,
  });
}
