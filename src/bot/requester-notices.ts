import { formatSpan } from '../cards/progress-card';
import type { ProvisioningRequest } from '../provisioning/request';
import type { Notice } from './card-updater';

/**
 * What the requester is told, where they will see it: a message in their personal chat, or a reply
 * in the card's thread that @mentions them in channels and group chats. Each event once (the
 * request's `notified` list survives restarts; the card updater stops doubles within a run).
 */
export type NoticeEvent = 'approved' | 'rejected' | 'expired' | 'cancelled' | 'deployed' | 'failed';

function eventsOf(r: ProvisioningRequest): NoticeEvent[] {
  const out: NoticeEvent[] = [];
  if (r.approval?.decision?.outcome === 'approved') out.push('approved');
  if (r.state === 'rejected') out.push('rejected');
  if (r.state === 'expired') out.push('expired');
  // Cancelling one's own request needs no message; someone else's cancel does.
  if (r.state === 'cancelled' && r.cancelled && r.cancelled.by.id !== r.requestedBy.id) out.push('cancelled');
  if (r.state === 'deployed') out.push('deployed');
  if (r.state === 'failed') out.push('failed');
  return out;
}

function sentence(r: ProvisioningRequest, e: NoticeEvent): string {
  const what = `${r.id} (${r.customer.shortName})`;
  const d = r.approval?.decision;
  switch (e) {
    case 'approved':
      return `your request ${what} was approved by ${d?.by?.name ?? 'an approver'}. It goes to Live Platform next; its card shows the progress.`;
    case 'rejected':
      return `your request ${what} was rejected by ${d?.by?.name ?? 'an approver'}: ${d?.reason ?? 'no reason given'}. Nothing was created; submit a corrected request if it is still needed.`;
    case 'expired':
      return `your request ${what} expired: no approver decided within ${r.approval ? formatSpan(Date.parse(r.approval.expiresAt) - Date.parse(r.approval.requestedAt)) : 'the approval time'}. Nothing was created; submit it again if it is still needed.`;
    case 'cancelled':
      return `your request ${what} was cancelled by ${r.cancelled?.by.name ?? 'someone'}. Nothing was created.`;
    case 'deployed':
      return `${what} is deployed: the customer is ready in Live Platform.`;
    case 'failed':
      return `${what} failed${r.failure?.step ? ` at "${r.failure.step}"` : ''}: ${r.failure?.message ?? 'see its card'} ${r.failure?.hint ?? ''}`.trim();
  }
}

/** The notices this version of the request still owes its requester. */
export function pendingNotices(r: ProvisioningRequest): Notice[] {
  return eventsOf(r)
    .filter((e) => !r.notified.includes(e))
    .map((e) => {
      const who = r.requestedBy;
      const text = sentence(r, e);
      const personal = r.conversation.kind === 'personal';
      const mention = !personal && who.userId ? { userId: who.userId, name: who.name } : undefined;
      return {
        key: `${r.id}:${e}`,
        requestId: r.id,
        to: r.conversation,
        message: {
          text: personal ? text.charAt(0).toUpperCase() + text.slice(1) : `${mention ? `<at>${who.name}</at>` : who.name}, ${text}`,
          ...(mention ? { mention } : {}),
        },
      };
    });
}

/** `REQ-7K3F9Q:approved` → the event, for recording what was told. */
export function noticeEvent(key: string): NoticeEvent {
  return key.slice(key.lastIndexOf(':') + 1) as NoticeEvent;
}
