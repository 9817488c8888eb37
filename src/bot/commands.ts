import { levenshtein, normaliseText, parseArgs } from './text';

/** What a user typed, once normalised: the command word and the rest. */
export interface ParsedCommand {
  word: string;
  rest: string;
  args: { named: Record<string, string>; positional: string[] };
}

/** A command word with its aliases, as the registry declares it. */
export interface CommandWords {
  name: string;
  aliases: readonly string[];
}

export function parseCommand(rawText: string | undefined | null): ParsedCommand | undefined {
  const text = normaliseText(rawText);
  if (!text) return undefined;
  const m = /^\/?(\S+)\s*(.*)$/s.exec(text);
  if (!m) return undefined;
  return { word: m[1].toLowerCase(), rest: m[2], args: parseArgs(m[2]) };
}

export function findCommand<C extends CommandWords>(word: string, commands: readonly C[]): C | undefined {
  return commands.find((c) => c.name === word || c.aliases.includes(word));
}

/** The closest known command to what was typed, if it is close enough to be a plausible typo. */
export function suggestCommand<C extends CommandWords>(word: string, commands: readonly C[]): C | undefined {
  let best: { c: C; d: number } | undefined;
  for (const c of commands) {
    for (const n of [c.name, ...c.aliases]) {
      if (n.length < 2) continue;
      const d = n.startsWith(word) || word.startsWith(n) ? 1 : levenshtein(word, n);
      if (!best || d < best.d) best = { c, d };
    }
  }
  return best && best.d <= Math.max(2, Math.floor(word.length / 2)) ? best.c : undefined;
}
