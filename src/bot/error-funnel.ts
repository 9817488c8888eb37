import { randomBytes } from 'node:crypto';
import { Logger } from '../logger';
import { userMessageOf } from '../errors';
import type { Turn } from './turn';

export function correlationId(): string {
  return randomBytes(4).toString('hex');
}

/**
 * The one place a failed turn ends up: logs it with the activity id and answers the user once,
 * with a short message and a correlation id. Never a stack trace in chat.
 */
export function createErrorFunnel(logger: Logger) {
  return async (turn: Pick<Turn, 'activityId' | 'address' | 'actor' | 'invoke' | 'invokeAnswered' | 'answerWithError'>, err: unknown): Promise<void> => {
    const ref = correlationId();
    const known = userMessageOf(err);
    logger.error({ err, ref, activityId: turn.activityId, conversationId: turn.address.conversationId, user: turn.actor.id }, 'turn failed');
    const text = known
      ? `${known} (ref ${ref})`
      : `Sorry, something went wrong on my side and nothing was changed. Try again; if it keeps failing, give your admin this reference: ${ref}.`;
    try {
      if (!turn.invoke || !turn.invokeAnswered()) await turn.answerWithError(known ? 400 : 500, text);
    } catch (sendErr) {
      logger.error({ err: sendErr, ref, activityId: turn.activityId }, 'could not tell the user about the failed turn');
    }
  };
}
