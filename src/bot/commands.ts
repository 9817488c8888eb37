import { levenshtein, normaliseText, parseArgs } from './text';

/** What a user typed, once normalised: the command word and the rest. */
export interface ParsedCommand {
  word: string;
  rest: string;
  args: { named: Record<string, string>; positional: string[] };
}

export interface CommandInfo {
  name: string;
  aliases: string[];
  usage: string;
  summary: string;
}

/**
 * The commands users can type, in the order help lists them. Handlers are attached in routes.ts;
 * this list is data so help, the fallback suggestion and the manifest stay in step.
 */
export const COMMANDS: CommandInfo[] = [
  {
    name: 'new',
    aliases: ['create'],
    usage: 'new [shortName=Acme] [msTenantId=contoso.onmicrosoft.com] [field=value …]',
    summary: 'Open the form to create an Essentials customer on Live Platform. Any field can be prefilled.',
  },
  { name: 'help', aliases: ['?'], usage: 'help', summary: 'Show this help.' },
];

export function parseCommand(rawText: string | undefined | null): ParsedCommand | undefined {
  const text = normaliseText(rawText);
  if (!text) return undefined;
  const m = /^\/?(\S+)\s*(.*)$/s.exec(text);
  if (!m) return undefined;
  return { word: m[1].toLowerCase(), rest: m[2], args: parseArgs(m[2]) };
}

export function findCommand(word: string): CommandInfo | undefined {
  return COMMANDS.find((c) => c.name === word || c.aliases.includes(word));
}

/** The closest known command to what was typed, if it is close enough to be a plausible typo. */
export function suggestCommand(word: string): CommandInfo | undefined {
  let best: { c: CommandInfo; d: number } | undefined;
  for (const c of COMMANDS) {
    for (const n of [c.name, ...c.aliases]) {
      if (n.length < 2) continue;
      const d = n.startsWith(word) || word.startsWith(n) ? 1 : levenshtein(word, n);
      if (!best || d < best.d) best = { c, d };
    }
  }
  return best && best.d <= Math.max(2, Math.floor(word.length / 2)) ? best.c : undefined;
}
