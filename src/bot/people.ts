import type { AccessPolicy } from '../provisioning/access';
import type { Actor } from '../provisioning/request';

/**
 * The Teams user ids (29:…) of approvers, learned from what they send: a card's `refresh.userIds`
 * names users by these ids, while the configuration knows approvers by Entra object id. In
 * memory: after a restart, an approver is known again from their next message or click (in a
 * channel of more than 60 people, until then, they click the card's Show my actions once).
 */
export interface PeopleDirectory {
  /** Called for every turn that passed the gate. */
  seen(actor: Actor): void;
  approverUserIds(): string[];
}

export function createPeopleDirectory(access: AccessPolicy): PeopleDirectory {
  const approvers = new Map<string, string>();
  return {
    seen(actor) {
      if (!actor.userId || !actor.aadObjectId || !access.roles(actor).has('approver')) return;
      approvers.set(actor.aadObjectId.toLowerCase(), actor.userId);
    },
    approverUserIds: () => [...approvers.values()],
  };
}
