import type { ViewerRights } from '../../cards/progress-card';
import { conversationRoot } from '../../provisioning/access';
import type { Decided } from '../../provisioning/approvals';
import type { ProvisioningRequest } from '../../provisioning/request';
import { defineFeature } from '../registry';
import type { AccessGuard } from '../access-guard';
import { refuseTurn } from '../access-guard';
import type { ActionTurn } from '../turn';

/** Which of the request's cards the turn came from: its own, or its approval card elsewhere. */
function targetOf(turn: ActionTurn, r: ProvisioningRequest): 'main' | 'approval' {
  const here = conversationRoot(turn.address.conversationId);
  return r.linkedCards.some((l) => l.purpose === 'approval' && conversationRoot(l.conversation.conversationId) === here) ? 'approval' : 'main';
}

/** What this person's own view of the card offers, and why not more. */
function rightsOf(turn: ActionTurn, r: ProvisioningRequest, guard: AccessGuard): ViewerRights {
  const canApprove = guard.allows(turn, 'approve', r, 'card');
  const canReject = guard.allows(turn, 'reject', r, 'card');
  const own = !!turn.actor.aadObjectId && turn.actor.aadObjectId.toLowerCase() === r.requestedBy.aadObjectId?.toLowerCase();
  // An approver says no with Reject (and a reason the requester is told); Cancel is the requester's way out.
  const canCancel = guard.allows(turn, 'cancel', r, 'card') && (own || !canReject);
  let note: string | undefined;
  if (canReject && !canApprove) note = "You can't approve your own request: another approver has to decide it.";
  else if (!canReject && own) note = 'An approver decides this request; you can still cancel it.';
  else if (!canReject) note = 'Only approvers can approve or reject this request.';
  return { canApprove, canReject, canCancel, note };
}

/**
 * Buttons on a request's card that act on that request: approve, reject, cancel, and "show my
 * actions" (also what a Teams card refresh asks for). Who may is decided by the access policy from
 * the actor and the stored request (guard.request), never from what the card data claims.
 */
export const requestActionsFeature = defineFeature({
  id: 'request-actions',
  verbs: [
    { verb: 'request.approve', permission: 'approve' },
    { verb: 'request.reject', permission: 'reject' },
    { verb: 'request.cancel', permission: 'cancel' },
    { verb: 'request.view', permission: 'view' },
  ],
  create({ service, guard, card, answerWithRequestCard }) {
    /** The shared card as it now stands, for the clicker (the others get it from the card updater). */
    const answerWithTruth = async (turn: ActionTurn, r: ProvisioningRequest) => {
      if (turn.invoke) await answerWithRequestCard(turn, r, card(r, { target: targetOf(turn, r) }));
    };

    const afterDecision = async (turn: ActionTurn, result: Decided) => {
      if (result.kind === 'not-found') return void (await refuseTurn(turn, 'That request no longer exists.'));
      if (result.kind === 'invalid') return void (await refuseTurn(turn, result.message));
      if (result.kind === 'already') {
        // The first decision won: show this approver the card as it stands (it names who decided).
        turn.log.info({ requestId: result.request.id, state: result.request.state }, 'decision came second');
        if (turn.invoke) return void (await answerWithTruth(turn, result.request));
        return void (await turn.send(result.message));
      }
      await answerWithTruth(turn, result.request);
    };

    return {
      commands: {},
      verbs: {
        'request.approve': async (turn) => {
          const request = await guard.request(turn, 'approve', turn.action.data.requestId, 'card');
          if (request) await afterDecision(turn, await service.approve(request.id, turn.actor));
        },
        'request.reject': async (turn) => {
          const request = await guard.request(turn, 'reject', turn.action.data.requestId, 'card');
          if (request) await afterDecision(turn, await service.reject(request.id, turn.actor, turn.action.data.rejectReason));
        },
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
          await answerWithTruth(turn, result.request);
        },
        'request.view': async (turn) => {
          // A card refresh (Teams asks on its own) or "Show my actions": this user's view, never an edit of the shared card.
          if (!turn.invoke) {
            return void (await turn.send(
              'This Teams client cannot show your own view of the card. Open the conversation in a current Teams client to approve or reject.',
            ));
          }
          const request = await guard.request(turn, 'view', turn.action.data.requestId, 'card');
          if (!request) return;
          await turn.answerWithCard(card(request, { target: targetOf(turn, request), viewer: rightsOf(turn, request, guard) }));
        },
      },
    };
  },
});
