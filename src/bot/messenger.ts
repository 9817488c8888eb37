import type { AdaptiveCardJson } from '../cards/render';
import type { ConversationAddress } from '../provisioning/conversation-address';
import type { ConnectorFailure } from './connector-errors';

/**
 * Messages the bot sends outside a turn (proactively): posting and editing cards in a stored
 * conversation. The Teams adapter implements it; failures arrive as DeliveryError.
 */
export interface Messenger {
  /** Posts a card; returns the new message's id when the connector gives one. */
  post(to: ConversationAddress, card: AdaptiveCardJson): Promise<string | undefined>;
  /** Replaces the card in message `messageId`. */
  update(to: ConversationAddress, messageId: string, card: AdaptiveCardJson): Promise<void>;
  /** Posts a text message (Markdown), optionally @mentioning someone (`<at>Name</at>` in the text). */
  say(to: ConversationAddress, message: OutboundMessage): Promise<string | undefined>;
}

export interface OutboundMessage {
  text: string;
  /** The person the text's `<at>name</at>` names: their Teams user id and display name. */
  mention?: { userId: string; name: string };
}

/** The Bot Connector refused or did not answer; what it said, read from the SDK's error. */
export class DeliveryError extends Error implements ConnectorFailure {
  readonly status?: number;
  readonly code?: string;
  readonly retryAfterMs?: number;
  constructor(message: string, f: ConnectorFailure) {
    super(message);
    this.name = 'DeliveryError';
    this.status = f.status;
    this.code = f.code;
    this.retryAfterMs = f.retryAfterMs;
  }
}
