import type { AccessSettings } from '../config';
import type { ConversationAddress } from './conversation-address';
import type { Actor, ProvisioningRequest } from './request';

/**
 * The one place that decides "may this actor do this action (on this request)" (docs/security.md).
 * The form, every command, every card action and `help` ask it; no handler decides on its own.
 * Decisions use the actor from the activity (its Entra object id) and the stored request, never
 * ids found in card data.
 */

export type Role = 'requester' | 'approver' | 'admin';

/**
 * What can be asked. `help` is open to every user of an allowed tenant; `request` opens and submits
 * the form; the rest are about one request (`ACTIONS_ON_A_REQUEST`); `seeOtherCustomers` is naming
 * which customer already owns a Microsoft tenant; `lookup` is asking Live Platform about a customer
 * the bot did not create (`status <shortName>`).
 */
export const ACTIONS = ['help', 'request', 'view', 'cancel', 'retry', 'approve', 'reject', 'seeOtherCustomers', 'lookup'] as const;
export type Action = (typeof ACTIONS)[number];
export const ACTIONS_ON_A_REQUEST: readonly Action[] = ['view', 'cancel', 'retry', 'approve', 'reject'];

/** Who is who (config's ACCESS settings), plus whether a requester may approve their own request. */
export interface AccessRules extends AccessSettings {
  /** A requester may approve their own request (demo setups only). */
  allowSelfApproval?: boolean;
}

export type Refusal = 'tenant' | 'role' | 'conversation' | 'own-request';
export type Decision = { allowed: true } | { allowed: false; reason: Refusal; message: string };

export interface DecisionContext {
  /** The request acted on, as stored. */
  request?: ProvisioningRequest;
  /** Where the actor acts. */
  where?: ConversationAddress;
  /** A card button (tied to the conversation the card lives in) or a typed command. */
  via?: 'card' | 'command';
}

export interface AccessPolicy {
  readonly rules: AccessRules;
  /** Whether users of this Teams tenant may use the bot at all. */
  tenantAllowed(where: Pick<ConversationAddress, 'tenantId'>): boolean;
  roles(actor: Actor): ReadonlySet<Role>;
  /**
   * The decision. For an action on a request without `request`, whether the actor could do it on
   * some request (help lists `cancel` for those who could cancel something).
   */
  decide(actor: Actor, action: Action, ctx?: DecisionContext): Decision;
}

const ALLOW: Decision = { allowed: true };

/** A channel thread (`19:x@thread.tacv2;messageid=1`) belongs to its channel. */
export function conversationRoot(conversationId: string): string {
  return conversationId.split(';')[0];
}

/** The conversations a request's cards live in: where it was asked, and where it is decided. */
export function requestConversations(r: ProvisioningRequest): string[] {
  return [r.conversation, ...r.linkedCards.map((l) => l.conversation)].map((c) => conversationRoot(c.conversationId));
}

export function createAccessPolicy(rules: AccessRules): AccessPolicy {
  const tenants = rules.allowedTenants ? new Set(rules.allowedTenants.map((t) => t.toLowerCase())) : undefined;
  const set = (ids: readonly string[]) => new Set(ids.map((i) => i.toLowerCase()));
  const approvers = set(rules.approvers);
  const admins = set(rules.admins);
  const requesters = rules.requesters === '*' ? '*' : set(rules.requesters);
  const ask = `Ask ${rules.contact}`;

  function roles(actor: Actor): Set<Role> {
    const out = new Set<Role>();
    // Roles belong to an Entra identity; an account Teams sends without one has none.
    const id = actor.aadObjectId?.toLowerCase();
    if (!id) return out;
    if (admins.has(id)) out.add('admin');
    if (approvers.has(id)) out.add('approver');
    if (requesters === '*' || requesters.has(id) || out.size > 0) out.add('requester');
    return out;
  }

  const refuse = (reason: Refusal, message: string): Decision => ({ allowed: false, reason, message });
  const isRequester = (actor: Actor, r: ProvisioningRequest) =>
    !!actor.aadObjectId && !!r.requestedBy.aadObjectId && actor.aadObjectId.toLowerCase() === r.requestedBy.aadObjectId.toLowerCase();

  return {
    rules,
    tenantAllowed(where) {
      if (!tenants) return true;
      return !!where.tenantId && tenants.has(where.tenantId.toLowerCase());
    },
    roles,
    decide(actor, action, ctx = {}) {
      const mine = roles(actor);
      const r = ctx.request;
      // A card is tied to the conversation it lives in: a button naming another conversation's request is forged or stale.
      if (r && ctx.via === 'card' && ctx.where && !requestConversations(r).includes(conversationRoot(ctx.where.conversationId))) {
        return refuse('conversation', 'That card belongs to a request of another conversation, so nothing was changed.');
      }
      const own = r ? isRequester(actor, r) : mine.has('requester');
      switch (action) {
        case 'help':
          return ALLOW;
        case 'request':
          return mine.has('requester') ? ALLOW : refuse('role', `You can't create customers with this bot. ${ask} to add you as a requester.`);
        case 'seeOtherCustomers':
          return mine.has('admin') ? ALLOW : refuse('role', 'Only admins may see other customers.');
        case 'lookup':
          return mine.size > 0 ? ALLOW : refuse('role', `Only requesters, approvers and admins can look customers up in Live Platform. ${ask} if you need to.`);
        case 'view':
          // Some request of theirs, or of a conversation they are in: anyone may ask to see one.
          if (!r) return ALLOW;
          // Everyone in the request's conversation sees its card anyway; elsewhere its requester, approvers and admins.
          if (mine.has('admin') || mine.has('approver') || own) return ALLOW;
          if (r && ctx.where && requestConversations(r).includes(conversationRoot(ctx.where.conversationId))) return ALLOW;
          return refuse('role', `You can't see that request. ${ask} if you need to.`);
        case 'cancel':
          return mine.has('admin') || mine.has('approver') || (own && mine.has('requester'))
            ? ALLOW
            : refuse('role', `Only the requester, approvers and admins can cancel a request. ${ask} if it must be stopped.`);
        case 'retry':
          return mine.has('admin') || (own && mine.has('requester'))
            ? ALLOW
            : refuse('role', `Only the requester and admins can retry a request. ${ask} if you need to.`);
        case 'approve':
        case 'reject':
          if (!mine.has('approver')) return refuse('role', `Only approvers can ${action} requests. ${ask} to add you as an approver.`);
          // Four eyes: rejecting one's own request is harmless (it is a cancel), approving it is not.
          if (action === 'approve' && r && isRequester(actor, r) && !rules.allowSelfApproval) {
            return refuse('own-request', "You can't approve your own request: another approver has to decide it.");
          }
          return ALLOW;
      }
    },
  };
}
