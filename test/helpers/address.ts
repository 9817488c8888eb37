import type { ConversationAddress } from '../../src/provisioning/conversation-address';

/** A stored conversation address for unit tests (nothing is sent to it). */
export function testAddress(over: Partial<ConversationAddress> = {}): ConversationAddress {
  return { v: 1, channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/connector', conversationId: 'conv', kind: 'personal', botId: 'bot', ...over };
}
