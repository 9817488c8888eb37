import type { AuditEntry, ProvisioningRequest } from '../provisioning/request';
import { formatDuration } from './progress-card';
import { AdaptiveCardJson, escapeMarkdown, renderTemplate } from './render';

/** Keeps the card well inside Teams' message size (about 28 KB) whatever the length of the trail. */
export const MAX_AUDIT_LINES = 60;
const MAX_CARD_CHARS = 24_000;
const MAX_DETAIL = 300;

export interface TrailLine {
  at: string;
  what: string;
  who: string;
  detail: string;
}

const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/**
 * A request's trail as people read it: the stored audit entries (who decided what, when, why) with
 * the deployment's steps woven in at the time the bot saw them. Card bookkeeping is left out.
 */
export function trailOf(r: ProvisioningRequest, entries: readonly AuditEntry[]): TrailLine[] {
  const lines: TrailLine[] = [];
  const by = (e: AuditEntry) => text(e.detail?.by) || (e.actor === 'system' ? 'the bot' : e.actor);
  for (const e of entries) {
    const d = e.detail ?? {};
    const add = (what: string, detail = '', who = by(e)) => lines.push({ at: e.at, what, who, detail });
    switch (e.action) {
      case 'submitted': {
        add('Requested', [text(d.shortName), d.retryOf ? `resubmits ${text(d.retryOf)}` : ''].filter(Boolean).join(' · '));
        const tenant = r.customer.tenantInput && r.customer.tenantInput.toLowerCase() !== r.customer.msTenantId ? `${r.customer.tenantInput} → ${r.customer.msTenantId}` : r.customer.msTenantId;
        lines.push({ at: e.at, what: 'Validated', who: 'the bot', detail: `Microsoft tenant ${tenant}; short name free${r.warnings.length ? `; ${r.warnings.join(' ')}` : ''}` });
        if (d.approval === 'required') lines.push({ at: e.at, what: 'Waiting for approval', who: 'the bot', detail: d.expiresAt ? `expires ${text(d.expiresAt)}` : '' });
        else lines.push({ at: e.at, what: 'Queued', who: 'the bot', detail: '' });
        break;
      }
      case 'approved':
        add('Approved');
        lines.push({ at: e.at, what: 'Queued', who: 'the bot', detail: '' });
        break;
      case 'rejected':
        add('Rejected', text(d.reason));
        break;
      case 'expired':
        add('Expired', 'no approver decided in time');
        break;
      case 'cancelled':
        add('Cancelled', text(d.reason));
        break;
      case 'dequeued':
        add('Left the queue', typeof d.waitedMs === 'number' ? `waited ${formatDuration(d.waitedMs)}` : '');
        break;
      case 'create.sent':
        add('Sent to Live Platform');
        break;
      case 'deploying':
        add('Accepted by Live Platform', [d.mode ? `progress: ${text(d.mode)}` : '', d.jobId ? `job ${text(d.jobId)}` : ''].filter(Boolean).join(' · '));
        break;
      case 'deployed':
        add('Deployed', d.customerGuid ? `customer ${text(d.customerGuid)}` : '');
        break;
      case 'failed':
        add('Failed', [text(d.step), text(d.message) || text(d.rawState), d.traceId ? `trace ${text(d.traceId)}` : ''].filter(Boolean).join(' · '));
        break;
      case 'resubmitted':
        add('Resubmitted', `as ${text(d.as)}`);
        break;
      case 'resubmit.undone':
        add('Resubmit undone', `${text(d.as)} could not be stored`);
        break;
      default:
        // card.moved, card.linked: where the card lives, not what happened to the request.
        break;
    }
  }
  for (const s of r.steps) lines.push({ at: s.at, what: `Step (${s.level})`, who: 'Live Platform', detail: s.message });
  // Stable: entries written at the same instant keep their order.
  return lines.map((l, i) => ({ l, i })).sort((a, b) => a.l.at.localeCompare(b.l.at) || a.i - b.i).map((x) => x.l);
}

/** `audit <requestId>`: the request's trail with times and people. */
export function renderAuditCard(r: ProvisioningRequest, entries: readonly AuditEntry[]): AdaptiveCardJson {
  const all = trailOf(r, entries);
  const render = (shown: TrailLine[]) =>
    renderTemplate('request-audit', {
      title: `Audit trail: ${r.id} (${escapeMarkdown(r.customer.shortName)})`,
      subtitle: 'Every step with its time (UTC) and who took it, oldest first.',
      hidden: all.length > shown.length ? `${all.length - shown.length} earlier entries not shown.` : '',
      entries: shown.map((l) => ({
        time: `${l.at.slice(0, 10)} ${l.at.slice(11, 19)}`,
        what: escapeMarkdown(l.what),
        who: escapeMarkdown(l.who),
        detail: escapeMarkdown(l.detail.length > MAX_DETAIL ? `${l.detail.slice(0, MAX_DETAIL - 1)}…` : l.detail),
      })),
    });
  // The newest entries that fit: long server texts make some lines much bigger than others.
  let count = Math.min(all.length, MAX_AUDIT_LINES);
  let card = render(all.slice(all.length - count));
  while (JSON.stringify(card).length > MAX_CARD_CHARS && count > 5) {
    count = Math.floor(count * 0.8);
    card = render(all.slice(all.length - count));
  }
  return card;
}
