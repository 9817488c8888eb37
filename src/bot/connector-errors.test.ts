import { describeConnectorError, isGone, botRemoved, retryBudget } from './connector-errors';
import { DeliveryError } from './messenger';

describe('reading Bot Connector failures', () => {
  it('reads status, error code and Retry-After from a botbuilder RestError shape', () => {
    const err = Object.assign(new Error('The activity was not found'), {
      statusCode: 404,
      response: {
        headers: { get: (n: string) => (n === 'retry-after' ? '3' : undefined) },
        bodyAsText: JSON.stringify({ error: { code: 'ActivityNotFoundInConversation' } }),
      },
    });
    expect(describeConnectorError(err)).toEqual({ status: 404, code: 'ActivityNotFoundInConversation', retryAfterMs: 3000 });
  });

  it('reads what the Teams adapter already put into a DeliveryError', () => {
    const err = new DeliveryError('throttled', { status: 429, code: 'Throttled', retryAfterMs: 2000 });
    expect(describeConnectorError(err)).toEqual({ status: 429, code: 'Throttled', retryAfterMs: 2000 });
  });

  it('gives throttling and 412 the full retry budget, 502/504 one more round, other errors none', () => {
    expect(retryBudget({ status: 429 }, 6)).toBe(6);
    expect(retryBudget({ status: 503 }, 6)).toBe(6);
    expect(retryBudget({ status: 412 }, 6)).toBe(6);
    expect(retryBudget({ status: 502 }, 6)).toBe(2);
    expect(retryBudget({ status: 500 }, 6)).toBe(1);
    expect(retryBudget({ status: 400 }, 6)).toBe(1);
    expect(retryBudget({}, 6)).toBe(6);
  });

  it('tells a gone message (re-post it) from a bot that left the conversation (stop)', () => {
    expect(isGone({ status: 404, code: 'ActivityNotFoundInConversation' })).toBe(true);
    expect(isGone({ status: 404, code: 'ConversationNotFound' })).toBe(false);
    expect(botRemoved({ status: 403, code: 'BotNotInConversationRoster' })).toBe(true);
    expect(botRemoved({ status: 404, code: 'ConversationNotFound' })).toBe(true);
    expect(botRemoved({ status: 404, code: 'ActivityNotFoundInConversation' })).toBe(false);
  });
});
