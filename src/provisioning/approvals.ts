import type { ApprovalSettings } from '../config';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { ConversationAddress, ConversationKind } from './conversation-address';
import type { DeploymentQueue } from './deployment-queue';
import type { Actor, ProvisioningRequest } from './request';
import type { RequestWriter } from './request-writer';

/**
 * The approval flow (docs/security.md): which requests need an approver, and the decisions on them.
 * A decision is one guarded write of a request still `awaiting_approval`, so of two approvers
 * clicking at once exactly one wins; the other is shown who decided. Who may decide is the access
 * policy's call, made before (AccessGuard.request).
 */

export type Decided =
  | { kind: 'decided'; request: ProvisioningRequest }
  /** Someone else decided first, or it expired or was cancelled: nothing changed. */
  | { kind: 'already'; request: ProvisioningRequest; message: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'not-found' };

export interface Approvals {
  /** Whether a request made here needs an approver's yes first. */
  needsApproval(kind: ConversationKind): boolean;
  /** Where its approval card goes besides its own card (policy `all`, personal chats). */
  approvalCardAddress(requestedIn: ConversationAddress): ConversationAddress | undefined;
  /** The `approval` record of a request that needs one, made now. */
  open(now: Date): NonNullable<ProvisioningRequest['approval']>;
  approve(id: string, by: Actor): Promise<Decided>;
  reject(id: string, by: Actor, reason: unknown): Promise<Decided>;
  /** Expires it at its time (at once when that has passed: after a restart). */
  watch(req: ProvisioningRequest): void;
  stop(): void;
}

export const REJECT_REASON_MAX = 500;

export function createApprovals(deps: {
  settings: ApprovalSettings;
  writer: RequestWriter;
  queue: DeploymentQueue;
  clock: Clock;
  logger: Logger;
  /** Strictly increasing queue stamps (the service's). */
  queueStamp(): string;
}): Approvals {
  const { settings, writer, clock, logger } = deps;
  const stopping = new AbortController();
  const watched = new Set<string>();

  const whoDecided = (r: ProvisioningRequest): string => {
    const d = r.approval?.decision;
    if (d?.outcome === 'approved') return `${r.id} was already approved by ${d.by?.name ?? 'an approver'}.`;
    if (d?.outcome === 'rejected') return `${r.id} was already rejected by ${d.by?.name ?? 'an approver'}${d.reason ? `: ${d.reason}` : ''}.`;
    if (d?.outcome === 'expired' || r.state === 'expired') return `${r.id} expired before anyone decided it; submit it again if it is still needed.`;
    if (r.state === 'cancelled') return `${r.id} was cancelled${r.cancelled ? ` by ${r.cancelled.by.name}` : ''}; there is nothing to decide.`;
    return `${r.id} is not waiting for approval (it is ${r.state.replace('_', ' ')}).`;
  };

  /** One guarded decision; `current` tells the caller what stood when nothing was written. */
  async function decide(
    id: string,
    decision: (r: ProvisioningRequest, now: Date) => Parameters<RequestWriter['commit']>[1] | undefined,
    audit: (r: ProvisioningRequest) => { action: string; actor: string; detail?: Record<string, unknown> },
  ): Promise<Decided> {
    let current: ProvisioningRequest | undefined;
    const written = await writer.update(id, (r) => {
      current = r;
      if (r.state !== 'awaiting_approval' || !r.approval) return undefined;
      const now = clock.now();
      // A timer can be late: an approval past its time is an expiry.
      if (now.getTime() >= Date.parse(r.approval.expiresAt)) return undefined;
      const patch = decision(r, now);
      return patch ? { patch, audit: audit(r) } : undefined;
    });
    if (written) return { kind: 'decided', request: written };
    if (!current) return { kind: 'not-found' };
    if (current.state === 'awaiting_approval') {
      const expired = await expire(id);
      return { kind: 'already', request: expired ?? current, message: whoDecided(expired ?? current) };
    }
    return { kind: 'already', request: current, message: whoDecided(current) };
  }

  async function expire(id: string): Promise<ProvisioningRequest | undefined> {
    const written = await writer.update(id, (r) => {
      if (r.state !== 'awaiting_approval' || !r.approval || clock.now().getTime() < Date.parse(r.approval.expiresAt)) return undefined;
      return {
        patch: { state: 'expired', approval: { ...r.approval, decision: { outcome: 'expired', at: clock.now().toISOString() } } },
        audit: { action: 'expired', detail: { expiresAt: r.approval.expiresAt } },
      };
    });
    if (written) logger.info({ requestId: id }, 'approval expired');
    return written;
  }

  return {
    needsApproval(kind) {
      if (settings.policy === 'none') return false;
      return settings.policy === 'all' || kind !== 'personal';
    },
    approvalCardAddress(from) {
      if (settings.policy !== 'all' || from.kind !== 'personal' || !settings.conversationId) return undefined;
      // Same tenant, bot and Bot Connector region as the requester's chat; only the conversation differs.
      return { ...from, conversationId: settings.conversationId, kind: 'channel' };
    },
    open(now) {
      return { requestedAt: now.toISOString(), expiresAt: new Date(now.getTime() + settings.ttlMs).toISOString() };
    },
    async approve(id, by) {
      const result = await decide(
        id,
        (r, now) => ({
          state: 'queued',
          queuedAt: deps.queueStamp(),
          approval: { ...r.approval!, decision: { outcome: 'approved', by, at: now.toISOString() } },
        }),
        () => ({ action: 'approved', actor: by.id, detail: { by: by.name } }),
      );
      if (result.kind === 'decided') {
        logger.info({ requestId: id, by: by.id }, 'request approved');
        await deps.queue.add(result.request);
      }
      return result;
    },
    async reject(id, by, reason) {
      const text = typeof reason === 'string' ? reason.trim() : '';
      if (!text) return { kind: 'invalid', message: 'Give a reason for rejecting the request: the requester is told it.' };
      if (text.length > REJECT_REASON_MAX) return { kind: 'invalid', message: `Keep the reason under ${REJECT_REASON_MAX} characters.` };
      const result = await decide(
        id,
        (r, now) => ({ state: 'rejected', approval: { ...r.approval!, decision: { outcome: 'rejected', by, at: now.toISOString(), reason: text } } }),
        () => ({ action: 'rejected', actor: by.id, detail: { by: by.name, reason: text } }),
      );
      if (result.kind === 'decided') logger.info({ requestId: id, by: by.id }, 'request rejected');
      return result;
    },
    watch(req) {
      if (!req.approval || req.state !== 'awaiting_approval' || watched.has(req.id) || stopping.signal.aborted) return;
      watched.add(req.id);
      const due = Date.parse(req.approval.expiresAt);
      void (async () => {
        // Sleep in steps: a fake clock moves in one, and a long wait never overflows a timer.
        while (!stopping.signal.aborted && clock.now().getTime() < due) {
          await clock.sleep(Math.min(due - clock.now().getTime(), 3_600_000), stopping.signal);
        }
        if (!stopping.signal.aborted) await expire(req.id);
      })()
        .catch((err) => logger.error({ requestId: req.id, err }, 'could not expire a request; it is expired at the next start'))
        .finally(() => watched.delete(req.id));
    },
    stop() {
      stopping.abort();
    },
  };
}
