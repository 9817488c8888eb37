import { ACTIONS_ON_A_REQUEST, type AccessPolicy, type Action, type Decision } from '../provisioning/access';
import type { ProvisioningRequest } from '../provisioning/request';
import type { CommandSpec } from './registry';
import type { Turn } from './turn';

/**
 * How the edge asks the domain's access policy (provisioning/access.ts) and answers a refusal.
 * The registry wraps every command and card handler with `check`; a handler that acts on one
 * request gets it from `request`, which checks the actor against the stored request, never
 * against anything the card says about it.
 */
export interface AccessGuard {
  /** Whether the actor may do `action` here (for an action on a request: on some request). */
  may(turn: Turn, action: Action): boolean;
  /** True when allowed; otherwise answers the turn with the reason and what the actor may still do. */
  check(turn: Turn, action: Action): Promise<boolean>;
  /**
   * The request `requestId` names, when the actor may do `action` on it from here; otherwise the
   * turn is answered (not found, another conversation's card, not allowed) and undefined returned.
   */
  request(turn: Turn, action: Action, requestId: unknown, via: 'card' | 'command'): Promise<ProvisioningRequest | undefined>;
  /** Whether the actor may do `action` on this stored request from here (what their view of its card offers). */
  allows(turn: Turn, action: Action, request: ProvisioningRequest, via: 'card' | 'command'): boolean;
}

const REQUEST_ID = /^REQ-[A-Z0-9]{6}$/i;

/** Answers a turn that cannot go on: the invoke's error, or a message. */
export async function refuseTurn(turn: Turn, message: string): Promise<void> {
  if (turn.invoke) await turn.answerWithError(400, message);
  else await turn.send(message);
}

export function createAccessGuard(deps: {
  access: AccessPolicy;
  requests: { get(id: string): Promise<ProvisioningRequest | undefined> };
  commands: readonly CommandSpec[];
}): AccessGuard {
  const { access } = deps;
  const may = (turn: Turn, action: Action) => access.decide(turn.actor, action, { where: turn.address }).allowed;

  /** "You can still use: help." for someone refused, so a refusal is never a dead end. */
  function stillAllowed(turn: Turn): string {
    const mention = turn.address.kind === 'personal' ? '' : `@${turn.botName} `;
    const open = deps.commands.filter((c) => may(turn, c.permission)).map((c) => `${mention}${c.name}`);
    return open.length ? ` You can still use: ${open.join(', ')}.` : '';
  }

  async function refuse(turn: Turn, action: Action, d: Extract<Decision, { allowed: false }>) {
    turn.log.info({ user: turn.actor.id, action, reason: d.reason }, 'refused by the access policy');
    // Someone without the role is shown what else they may do; a wrong card or one's own request needs no such list.
    await refuseTurn(turn, d.reason === 'role' ? `${d.message}${stillAllowed(turn)}` : d.message);
  }

  return {
    may,
    async check(turn, action) {
      const d = access.decide(turn.actor, action, { where: turn.address });
      if (d.allowed) return true;
      await refuse(turn, action, d);
      return false;
    },
    allows(turn, action, request, via) {
      return access.decide(turn.actor, action, { request, where: turn.address, via }).allowed;
    },
    async request(turn, action, requestId, via) {
      if (!ACTIONS_ON_A_REQUEST.includes(action)) throw new Error(`${action} is not an action on a request`);
      if (typeof requestId !== 'string' || !REQUEST_ID.test(requestId.trim())) {
        await refuseTurn(turn, via === 'card' ? 'That card does not name a request. Type help and start again.' : 'Give a request id, e.g. REQ-7K3F9Q.');
        return undefined;
      }
      const id = requestId.trim().toUpperCase();
      const request = await deps.requests.get(id);
      if (!request) {
        await refuseTurn(turn, `There is no request ${id}. Check the id on the request's card.`);
        return undefined;
      }
      const d = access.decide(turn.actor, action, { request, where: turn.address, via });
      if (d.allowed) return request;
      await refuse(turn, action, d);
      return undefined;
    },
  };
}
