import type { ProgressLevel, ProgressStep } from './types';

/**
 * `progressDetails` is documented as `(Level, message);(Level, message)`, oldest first, with messages
 * that may hold commas, dots and `!`. Real text drifts (spaces, a missing closing parenthesis, odd
 * levels), so the parser splits only where a new `(Level,` tuple starts and keeps anything it cannot
 * read as a step of its own: text is never dropped.
 */

const LEVEL = '[A-Za-z][\\w-]*';
/** A tuple boundary: optional `)` closing the previous tuple, `;`, then the start of `(Level,`. */
const BOUNDARY = new RegExp(`\\)?\\s*;\\s*(?=\\(\\s*${LEVEL}\\s*,)`);
const TUPLE = new RegExp(`^\\(\\s*(${LEVEL})\\s*,([\\s\\S]*)$`);

const KNOWN_LEVELS: Record<string, ProgressLevel> = { information: 'Information', warning: 'Warning', error: 'Error' };

/** The three documented levels in their canonical spelling; anything else as given. */
export function normalizeLevel(level: string): string {
  return KNOWN_LEVELS[level.trim().toLowerCase()] ?? level.trim();
}

function parseChunk(chunk: string, isLast: boolean): ProgressStep | undefined {
  let text = chunk.trim();
  // A separator after the last tuple carries nothing; a `;` inside an unclosed message is text.
  if (isLast) text = text.replace(/\)\s*[;\s]*$/, ')');
  if (text === '') return undefined;
  const m = TUPLE.exec(text);
  if (!m) return { level: 'Information', message: text };
  let message = m[2];
  // Earlier chunks lost their `)` to the boundary; only the last one still carries it, if it was sent.
  if (isLast) message = message.replace(/\)\s*$/, '');
  return { level: normalizeLevel(m[1]), message: message.trim() };
}

export function parseProgressDetails(text: string | null | undefined): ProgressStep[] {
  if (text == null || text.trim() === '') return [];
  const chunks = text.split(BOUNDARY);
  const steps: ProgressStep[] = [];
  chunks.forEach((chunk, i) => {
    const step = parseChunk(chunk, i === chunks.length - 1);
    if (step) steps.push(step);
  });
  return steps;
}

export function formatProgressDetails(steps: readonly ProgressStep[]): string {
  return steps.map((s) => `(${s.level}, ${s.message})`).join(';');
}
