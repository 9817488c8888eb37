/** Reading Adaptive Cards out of Playground messages and invoke answers. */

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** An attachment of a bot message, as the Playground streams it. */
export interface Attachment {
  contentType: string;
  content: unknown;
}
/** The bot's answer to an Action.Execute, as the Playground relays it (the body's `statusCode` is dropped). */
export interface InvokeResponse {
  type: string;
  value: unknown;
}
type Card = Record<string, unknown>;
interface CardAction {
  type: string;
  title?: string;
  verb?: string;
  data?: unknown;
  [key: string]: unknown;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Adaptive Card in a streamed message, or in an invoke response that answered with a card. */
export function cardOf(source: { attachments: Attachment[] } | InvokeResponse): Card | undefined {
  if ('attachments' in source) {
    const content = source.attachments.find((a) => a.contentType === ADAPTIVE_CARD)?.content;
    return isRecord(content) ? content : undefined;
  }
  return source.type === ADAPTIVE_CARD && isRecord(source.value) ? source.value : undefined;
}

function walk(node: unknown, visit: (element: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (isRecord(node)) {
    visit(node);
    // `data` is the bot's payload, not something the user sees.
    for (const [key, value] of Object.entries(node)) if (key !== 'data') walk(value, visit);
  }
}

/** Every text the card shows (TextBlock, RichTextBlock runs, FactSet facts), in document order, one per line. */
export function cardText(card: Card | undefined): string {
  const texts: string[] = [];
  walk(card ?? {}, (el) => {
    if ((el.type === 'TextBlock' || el.type === 'TextRun') && typeof el.text === 'string') texts.push(el.text);
    if (el.type === 'FactSet' && Array.isArray(el.facts)) {
      for (const fact of el.facts) if (isRecord(fact)) texts.push(`${String(fact.title)}: ${String(fact.value)}`);
    }
  });
  return texts.join('\n');
}

/** A message's text followed by its card's text. */
export function messageText(message: { text?: string; attachments: Attachment[] }): string {
  return [message.text ?? '', cardText(cardOf(message))].filter((t) => t !== '').join('\n');
}

/** Every action in the card (card actions, ActionSets, ShowCard contents, fallbacks), in document order. */
export function cardActions(card: Card): CardAction[] {
  const actions: CardAction[] = [];
  walk(card, (el) => {
    if (typeof el.type === 'string' && el.type.startsWith('Action.')) actions.push(el as CardAction);
  });
  return actions;
}

/**
 * The values of a card's inputs as a Teams client sends them with an Action.Execute whose
 * `associatedInputs` is not `none`: each input's id and its current (here: initial) value.
 */
export function cardInputs(card: Card): Record<string, string> {
  const values: Record<string, string> = {};
  walk(card, (el) => {
    if (typeof el.type === 'string' && el.type.startsWith('Input.') && typeof el.id === 'string')
      values[el.id] = el.value === undefined ? '' : String(el.value);
  });
  return values;
}
