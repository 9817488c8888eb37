/**
 * Teams clients deliver message text with HTML, entities and leftover mentions. Everything the
 * command parser sees goes through here first.
 */
const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };

export function normaliseText(raw: string | undefined | null): string {
  if (!raw) return '';
  return raw
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(nbsp|amp|lt|gt|quot|apos|#39);/gi, (_m, e: string) => ENTITIES[e.toLowerCase()] ?? ' ')
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/\u00a0|\u200b|\u200c|\u200d|\ufeff/g, ' ')
    .replace(/[“”]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Splits `a=b c="d e" f` into tokens, honouring double and single quotes. */
export function tokenize(input: string): string[] {
  const out: string[] = [];
  const re = /(?:[^\s"']+|"[^"]*"?|'[^']*'?)+/g;
  for (const m of input.matchAll(re)) out.push(m[0]);
  return out;
}

const unquote = (s: string) => s.replace(/^(["'])(.*?)\1?$/s, '$2');

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
