import { TurnContext } from 'botbuilder';
import { Logger } from '../logger';

const KEY = Symbol('turnLogger');

/** Gives every log line of a turn the activity id and conversation, without passing it around. */
export function attachTurnLogger(context: TurnContext, base: Logger): Logger {
  const a = context.activity;
  const child = base.child({ activityId: a.id, conversationId: a.conversation?.id, activityType: a.type });
  context.turnState.set(KEY, child);
  return child;
}

export function turnLogger(context: TurnContext, fallback: Logger): Logger {
  return (context.turnState.get(KEY) as Logger | undefined) ?? fallback;
}
