/**
 * Teams clients deliver message text with HTML, entities and leftover mentions. Everything the
 * command parser sees goes through here first.
 *
 * Bounds: a message can be megabytes long (a paste, or a crafted activity), while every command fits
 * in a few hundred characters. `normaliseText` reads at most `MAX_RAW_TEXT` characters of the raw text
 * (markup included) and returns at most `MAX_COMMAND_TEXT` characters, so the parser, the argument
 * tokenizer and the typo suggestion never look at more than that. Every step here is linear in its
 * input (no regular expression that can backtrack over what it already read), so even the bounded
 * input costs a few milliseconds at most.
 */

/** The most normalised text a command is parsed from; the rest of a longer message is ignored. */
export const MAX_COMMAND_TEXT = 4_000;
/** The most raw text (HTML, entities and all) read to produce it. */
export const MAX_RAW_TEXT = 16 * MAX_COMMAND_TEXT;

const NAMED_ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REPLACEMENT = '\ufffd';

/**
 * The character a numeric reference names, or U+FFFD where there is none (beyond U+10FFFF, a lone
 * surrogate, NUL), or a space for a control character. Never throws: `String.fromCodePoint` would.
 */
function fromCodePointSafe(digits: string, radix: 10 | 16): string {
  const significant = digits.replace(/^0+/, '');
  // More than 8 significant digits is beyond U+10FFFF in either base.
  const n = significant.length > 8 ? Number.POSITIVE_INFINITY : parseInt(significant || '0', radix);
  if (!Number.isFinite(n) || n <= 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return REPLACEMENT;
  if (n < 0x20 || (n >= 0x7f && n < 0xa0)) return ' ';
  return String.fromCodePoint(n);
}

/**
 * One pass over every entity, so `&amp;#65;` stays the literal `&#65;` the user typed instead of
 * being decoded twice. Linear: each attempt starts at a `&` and reads only the run after it.
 */
const ENTITY = /&(?:#(\d+)|#[xX]([0-9a-fA-F]+)|([A-Za-z]{2,4}));/g;

function decodeEntities(s: string): string {
  return s.replace(ENTITY, (m, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (dec !== undefined) return fromCodePointSafe(dec, 10);
    if (hex !== undefined) return fromCodePointSafe(hex, 16);
    return NAMED_ENTITIES[name!.toLowerCase()] ?? m;
  });
}

/**
 * `<…>` tags replaced by a space. A `<` with no `>` anywhere after it is not a tag; the regular
 * expression only sees the text up to the last `>`, where every `<` has one, because on the rest it
 * would scan to the end of the text again from every `<` (quadratic on `<<<<…`).
 */
function stripTags(s: string): string {
  const last = s.lastIndexOf('>');
  if (last < 0) return s;
  return s.slice(0, last + 1).replace(/<[^>]+>/g, ' ') + s.slice(last + 1);
}

/** Cuts at `max` UTF-16 units without splitting a surrogate pair. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/**
 * Mentions, line breaks and tags removed, entities decoded, whitespace collapsed; no bound (callers
 * use `normaliseText`). Linear in the length of `raw`.
 */
export function normaliseMarkup(raw: string): string {
  const text = stripTags(raw.replace(/<at>[^<]*<\/at>/gi, ' ').replace(/<br\s*\/?>/gi, ' '));
  return decodeEntities(text)
    .replace(/\u00a0|\u200b|\u200c|\u200d|\ufeff/g, ' ')
    .replace(/[“”]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/** What the command parser reads: at most `MAX_COMMAND_TEXT` characters, from the first `MAX_RAW_TEXT` of `raw`. */
export function normaliseText(raw: string | undefined | null): string {
  if (!raw) return '';
  return cut(normaliseMarkup(cut(raw, MAX_RAW_TEXT)), MAX_COMMAND_TEXT).trim();
}

/** `\s` of a regular expression, for one UTF-16 unit; the ASCII cases without the regex engine. */
function isSpace(code: number): boolean {
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return /\s/.test(String.fromCharCode(code));
}

/**
 * Splits `a=b c="d e" f` into tokens, honouring double and single quotes: a token runs until
 * whitespace outside quotes; a quote opens a part that runs to the same quote or, unclosed, to the
 * end. One scan, no backtracking.
 */
export function tokenize(input: string): string[] {
  const out: string[] = [];
  const n = input.length;
  let i = 0;
  while (i < n) {
    if (isSpace(input.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && !isSpace(input.charCodeAt(i))) {
      const c = input[i];
      if (c === '"' || c === "'") {
        const close = input.indexOf(c, i + 1);
        i = close < 0 ? n : close + 1;
      } else {
        i++;
      }
    }
    out.push(input.slice(start, i));
  }
  return out;
}

/** Drops a leading quote and, when there is one, the same quote at the end. */
function unquote(s: string): string {
  const q = s[0];
  if (q !== '"' && q !== "'") return s;
  return s.slice(1, s.length > 1 && s.endsWith(q) ? -1 : s.length);
}

/** `key=value` arguments; anything else is returned in `positional`. */
export function parseArgs(input: string): { named: Record<string, string>; positional: string[] } {
  const named: Record<string, string> = {};
  const positional: string[] = [];
  for (const token of tokenize(input)) {
    const eq = token.indexOf('=');
    if (eq > 0) named[token.slice(0, eq)] = unquote(token.slice(eq + 1));
    else positional.push(unquote(token));
  }
  return { named, positional };
}

export function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
