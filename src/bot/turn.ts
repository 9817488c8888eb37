import type { Logger } from '../logger';
import type { AdaptiveCardJson } from '../cards/render';
import type { ConversationAddress } from '../provisioning/conversation-address';
import type { Actor } from '../provisioning/request';
import type { ParsedCommand } from './commands';

/**
 * One turn as the bot's features see it: who acts, where, what they asked for, and the ways to
 * answer. Only the Teams adapter (teams-adapter.ts) knows the SDK types behind it, so replacing
 * botbuilder/teams-ai costs that one module.
 */
export interface Turn {
  /** Who acts, from the activity (never from card data). */
  readonly actor: Actor;
  /** Where (personal chat, group chat or channel): also what a request stores to reach it again. */
  readonly address: ConversationAddress;
  /** The bot's display name here, for "mention me first" hints. */
  readonly botName: string;
  readonly activityId?: string;
  /** A card action that expects an invoke answer (Action.Execute), or a message turn. */
  readonly invoke: boolean;
  /** Lines carry the activity and conversation ids. */
  readonly log: Logger;
  /** Posts a message (Markdown text or a card) into this conversation; returns its id. */
  send(message: string | AdaptiveCardJson): Promise<string | undefined>;
  /** Tells the user a turn failed: the invoke's error answer, or a message. */
  answerWithError(status: 400 | 500, message: string): Promise<void>;
  /** Whether this invoke was answered already (a second answer would be lost). */
  invokeAnswered(): boolean;
}

/** A text command: `new …`, `/help`, `@Bot status REQ-…`. */
export interface CommandTurn extends Turn {
  readonly command: ParsedCommand;
}

/** A click on a card button (Action.Execute, or its Action.Submit fallback on older clients). */
export interface ActionTurn extends Turn {
  readonly action: {
    verb: string;
    /** The card's inputs and the button's data, the routing verb left out. Untrusted. */
    data: Record<string, unknown>;
    /** The message that carries the card. */
    messageId?: string;
    via: 'execute' | 'submit';
  };
  /**
   * Replaces the card the action came from, for the clicker: the invoke answer (Action.Execute)
   * or an edit of the card's message (Action.Submit).
   */
  answerWithCard(card: AdaptiveCardJson): Promise<void>;
}

export type CommandHandler = (turn: CommandTurn) => Promise<void>;
export type ActionHandler = (turn: ActionTurn) => Promise<void>;
export type EventHandler = (turn: Turn) => Promise<void>;
