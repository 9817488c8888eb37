import { TurnContext } from 'botbuilder';
import type { Actor } from '../provisioning/request';

/** Where a turn happens, in the terms the product cares about. */
export type ConversationKind = 'personal' | 'groupChat' | 'channel';

export function conversationKind(context: TurnContext): ConversationKind {
  const t = context.activity.conversation?.conversationType;
  if (t === 'channel') return 'channel';
  if (t === 'groupChat') return 'groupChat';
  return 'personal';
}

/** Who acts: the Entra object id when Teams provides it, the channel account id otherwise. */
export function actorOf(context: TurnContext): Actor {
  const from = context.activity.from ?? { id: 'unknown', name: 'unknown' };
  return { id: from.aadObjectId ?? from.id, name: from.name ?? from.id, aadObjectId: from.aadObjectId };
}
