import { randomBytes } from 'node:crypto';
import { INVOKE_RESPONSE_KEY, TurnContext } from 'botbuilder';
import { Logger } from '../logger';
import { userMessageOf } from '../errors';
import { sendInvokeError } from './reply';

export function correlationId(): string {
  return randomBytes(4).toString('hex');
}

/**
 * The one place a failed turn ends up: logs it with the activity id and answers the user once,
 * with a short message and a correlation id. Never a stack trace in chat.
 */
export function createErrorFunnel(logger: Logger) {
  return async (context: TurnContext, err: unknown): Promise<void> => {
    const ref = correlationId();
    const a = context.activity;
    const known = userMessageOf(err);
    logger.error(
      { err, ref, activityId: a?.id, activityType: a?.type, conversationId: a?.conversation?.id, user: a?.from?.aadObjectId ?? a?.from?.id },
      'turn failed',
    );
    const text = known
      ? `${known} (ref ${ref})`
      : `Sorry, something went wrong on my side and nothing was changed. Try again; if it keeps failing, give your admin this reference: ${ref}.`;
    try {
      if (a?.type === 'invoke') {
        if (!context.turnState.get(INVOKE_RESPONSE_KEY)) await sendInvokeError(context, known ? 400 : 500, text);
      } else if (a?.conversation) {
        await context.sendActivity(text);
      }
    } catch (sendErr) {
      logger.error({ err: sendErr, ref, activityId: a?.id }, 'could not tell the user about the failed turn');
    }
  };
}
