import { defineFeature } from '../registry';
import { refuseTurn } from '../access-guard';
import { progressCard } from '../progress';

/**
 * Buttons on a request's card that act on that request. Who may is decided by the access policy
 * from the actor and the stored request (guard.request), never from what the card data claims.
 */
export const requestActionsFeature = defineFeature({
  id: 'request-actions',
  verbs: [{ verb: 'request.cancel', permission: 'cancel' }],
  create({ service, guard }) {
    return {
      commands: {},
      verbs: {
        'request.cancel': async (turn) => {
          const request = await guard.request(turn, 'cancel', turn.action.data.requestId, 'card');
          if (!request) return;
          const result = await service.cancel(request.id, turn.actor);
          if (result.kind === 'not-found') return void (await refuseTurn(turn, `There is no request ${request.id}.`));
          if (result.kind === 'too-late') {
            // The card the click came from is stale; the shared card is already being edited to the truth.
            turn.log.info({ requestId: request.id, state: result.request.state }, 'cancel refused: too late');
            return void (await refuseTurn(turn, result.message));
          }
          turn.log.info({ requestId: request.id }, 'cancelled from its card');
          if (turn.invoke) await turn.answerWithCard(progressCard(service, result.request));
        },
      },
    };
  },
});
