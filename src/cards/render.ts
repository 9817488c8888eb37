import fs from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';

/** An Adaptive Card as plain JSON. */
export type AdaptiveCardJson = Record<string, unknown> & { type: 'AdaptiveCard' };

export class CardRenderError extends Error {
  constructor(readonly template: string, message: string) {
    super(`Card template '${template}': ${message}`);
    this.name = 'CardRenderError';
  }
}

function findCardsDir(): string {
  // Works from src/cards (ts via swc/tsx) and from dist/src/cards (compiled).
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'cards');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('cards/ directory not found next to package.json');
}

const CARDS_DIR = findCardsDir();
/**
 * Each template is read and prepared once: `new Template(json)` parses every `${…}` of it into an
 * expression tree (adaptive-expressions, antlr4ts), the costly part; `expand` only evaluates them.
 * Building the Template per render parsed the whole card again on every edit of every card.
 */
const cache = new Map<string, { template: ACData.Template; bindings: string[] }>();

function load(name: string) {
  let entry = cache.get(name);
  if (!entry) {
    const text = fs.readFileSync(path.join(CARDS_DIR, `${name}.json`), 'utf8');
    const bindings = [...new Set(text.match(/\$\{[^}]*\}/g) ?? [])];
    entry = { template: new ACData.Template(JSON.parse(text)), bindings };
    cache.set(name, entry);
  }
  return entry;
}

/** Names of all templates in cards/, for tests that render every one of them. */
export function templateNames(): string[] {
  return fs.readdirSync(CARDS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}

/**
 * Expands cards/<name>.json with `data`. Fails when a binding is left unresolved (the templating
 * library silently leaves `${field}` in place), unless that exact text came from the data itself.
 */
export function renderTemplate(name: string, data: object): AdaptiveCardJson {
  const { template, bindings } = load(name);
  const out = template.expand({ $root: data }) as AdaptiveCardJson;
  const rendered = JSON.stringify(out);
  const dataText = JSON.stringify(data);
  const left = bindings.filter((b) => rendered.includes(b) && !dataText.includes(b));
  if (left.length > 0) throw new CardRenderError(name, `unresolved binding(s) ${left.join(', ')}`);
  return out;
}

// `_` between letters or digits (UMP_BASE_URL) never starts emphasis in CommonMark: leave it readable.
const MD_INLINE = /[\\`*[\]<>~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;

/**
 * Makes user text render literally in a TextBlock or FactSet (both interpret Markdown in Teams):
 * `[x](http://evil)` and `**bold**` show as typed. Line breaks are kept.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(MD_INLINE, (c) => `\\${c}`)
    .replace(/^(\s*)([#>+-]|\d+\.)/gm, (_m, ws: string, mark: string) => (mark.endsWith('.') ? `${ws}${mark.slice(0, -1)}\\.` : `${ws}\\${mark}`));
}
