import { TurnContext } from 'botbuilder';

/** Where a turn happens, in the terms the product cares about. */
export type ConversationKind = 'personal' | 'groupChat' | 'channel';

export function conversationKind(context: TurnContext): ConversationKind {
  const t = context.activity.conversation?.conversationType;
  if (t === 'channel') return 'channel';
  if (t === 'groupChat') return 'groupChat';
  return 'personal';
}

export interface Actor {
  /** Entra object id when Teams provides it; the channel account id otherwise. */
  id: string;
  name: string;
  aadObjectId?: string;
}

export function actorOf(context: TurnContext): Actor {
  const from = context.activity.from ?? { id: 'unknown', name: 'unknown' };
  return { id: from.aadObjectId ?? from.id, name: from.name ?? from.id, aadObjectId: from.aadObjectId };
}
