import { parameterName } from '../provisioning/fields';
import { namedFieldErrors } from '../provisioning/failures';
import { retryRefusal } from '../provisioning/retry';
import { isTerminal, type ProvisioningRequest } from '../provisioning/request';
import { AdaptiveCardJson, escapeMarkdown, renderTemplate } from './render';

/** The documented steps of a deployment, so the card can show what is still to come. */
export const EXPECTED_STEPS: { label: string; match: RegExp }[] = [
  { label: 'Microsoft tenant validated', match: /tenant.*valid/i },
  { label: 'Customer data created', match: /customer data created/i },
  { label: 'SBC onboarding', match: /sbc|onboarding/i },
  { label: 'Site created in OVOC', match: /site created in ovoc/i },
];

/** Keeps the message well under Teams' size limit however long the server's step list gets. */
export const MAX_STEPS_SHOWN = 40;

/** "24 hours", "30 minutes", "1 day 6 hours": a span as people say it (approval times). */
export function formatSpan(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(ms / 60_000) * 60_000);
  for (const [size, name] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 && parts.length < 2) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
  }
  return parts.join(' ') || 'less than a minute';
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}

const MASK = '•••••••• (hidden)';
const paramLabel = (k: string) => escapeMarkdown(parameterName(k));
const STATUS: Record<ProvisioningRequest['state'], { title: string; style: string; line: string }> = {
  awaiting_approval: { title: 'Waiting for approval', style: 'warning', line: 'An approver must approve this request before anything is sent to Live Platform.' },
  queued: { title: 'Queued', style: 'emphasis', line: 'Waiting for a free place: nothing has been sent to Live Platform yet.' },
  submitted: { title: 'Creating', style: 'accent', line: 'Sending the request to Live Platform…' },
  deploying: { title: 'Deploying', style: 'accent', line: 'Live Platform is deploying the customer. This card updates as each step completes.' },
  deployed: { title: 'Deployed', style: 'good', line: 'The customer is deployed.' },
  failed: { title: 'Failed', style: 'attention', line: 'The deployment did not complete.' },
  cancelled: { title: 'Cancelled', style: 'default', line: 'Cancelled before anything was sent to Live Platform: nothing was created.' },
  rejected: { title: 'Rejected', style: 'attention', line: 'An approver rejected this request: nothing was sent to Live Platform.' },
  expired: { title: 'Expired', style: 'default', line: 'No approver decided in time: nothing was sent to Live Platform.' },
};

/** What the card shows besides the stored request. */
export interface ProgressView {
  now?: Date;
  /** Its place in the deployment queue while queued (1 = next). */
  queuePosition?: number;
  /** How many deployments run at once (MAX_CONCURRENT_DEPLOYMENTS), to explain the wait. */
  maxConcurrent?: number;
  /** Its own card (where it was asked), or its approval card in the approvers' channel. */
  target?: 'main' | 'approval';
  /**
   * A user-specific view (the answer to a refresh or a click) and what that user may do; undefined
   * for the shared card everyone in the conversation sees.
   */
  viewer?: ViewerRights;
  /** Users whose Teams client refreshes the shared card of a request waiting for approval on its own (max 60). */
  refreshUserIds?: readonly string[];
  /** Approvers may approve their own requests here (said on the card). */
  allowSelfApproval?: boolean;
  /** A copy posted by `status`: no buttons (they act from the request's own card), said to be a snapshot. */
  snapshot?: boolean;
  /** UMP_PORTAL_URL: where a finished card links to the customer (`{customerGuid}`, `{shortName}` are filled in). */
  portalUrl?: string;
}

/**
 * The portal link of a finished request, or '' when there is none: no UMP_PORTAL_URL, not finished
 * at Live Platform, or the template needs a customer guid Live Platform never gave.
 */
export function portalLink(template: string | undefined, r: ProvisioningRequest): string {
  if (r.state !== 'deployed' && r.state !== 'failed') return '';
  if (r.state === 'failed' && r.failure?.nothingCreated) return '';
  return customerPortalLink(template, { guid: r.result?.customerGuid ?? r.ump.customerGuid, shortName: r.customer.shortName });
}

/** UMP_PORTAL_URL for one customer, or '' when unset or when it needs a guid that is not known. */
export function customerPortalLink(template: string | undefined, c: { guid?: string; shortName: string }): string {
  if (!template || (template.includes('{customerGuid}') && !c.guid)) return '';
  return template.replaceAll('{customerGuid}', encodeURIComponent(c.guid ?? '')).replaceAll('{shortName}', encodeURIComponent(c.shortName));
}

/** The resubmit button of a request that ended without creating anything, '' for none. */
function retryTitle(r: ProvisioningRequest, view: ProgressView): string {
  if (view.snapshot || view.target === 'approval' || !isTerminal(r.state) || retryRefusal(r)) return '';
  return r.state === 'failed' || r.state === 'rejected' ? 'Fix and resubmit' : 'Submit again';
}

export interface ViewerRights {
  canApprove: boolean;
  canReject: boolean;
  canCancel: boolean;
  /** Why this viewer sees no decision buttons, when they might expect them. */
  note?: string;
}

const MAX_REFRESH_USERS = 60;

/** What the buttons of this card are, for the shared card or a user's view. */
function actionsOf(r: ProvisioningRequest, view: ProgressView) {
  const awaiting = r.state === 'awaiting_approval';
  const none = { canApprove: false, canReject: false, canCancel: false, canShowActions: false, hasRefresh: false, viewerNote: '' };
  if (view.snapshot) return none;
  if (view.viewer) {
    const v = view.viewer;
    return {
      ...none,
      canApprove: awaiting && v.canApprove,
      canReject: awaiting && v.canReject,
      canCancel: (awaiting || r.state === 'queued') && v.canCancel,
      viewerNote: awaiting && v.note ? escapeMarkdown(v.note) : '',
    };
  }
  if (r.state === 'queued') return { ...none, canCancel: true };
  if (!awaiting) return none;
  // A personal chat is the requester's alone: their card offers Cancel. Elsewhere the shared card is
  // read-only; each user's Teams refreshes it into their own view (approvers get the buttons), and
  // clients that do not refresh on their own get a button that asks for it.
  if (r.conversation.kind === 'personal' && view.target !== 'approval') return { ...none, canCancel: true };
  const ids = [...new Set([r.requestedBy.userId, ...(view.refreshUserIds ?? [])].filter((x): x is string => !!x))].slice(0, MAX_REFRESH_USERS);
  return { ...none, canShowActions: true, hasRefresh: true, refreshUserIds: ids };
}

/** "Approved by Adele Vance at 10:42 UTC" and the like, for the status line and the facts. */
function approvalLine(r: ProvisioningRequest, view: ProgressView): string | undefined {
  const a = r.approval;
  if (!a) return undefined;
  const d = a.decision;
  if (d?.outcome === 'approved') return `Approved by ${escapeMarkdown(d.by?.name ?? 'an approver')} at ${clockTime(d.at)}`;
  if (d?.outcome === 'rejected') return `Rejected by ${escapeMarkdown(d.by?.name ?? 'an approver')} at ${clockTime(d.at)}${d.reason ? ` — ${escapeMarkdown(d.reason)}` : ''}`;
  if (d?.outcome === 'expired') return `Expired at ${clockTime(a.expiresAt)}: no approver decided within ${formatSpan(Date.parse(a.expiresAt) - Date.parse(a.requestedAt))}`;
  if (r.state === 'cancelled') return undefined;
  const where = view.target === 'approval' || r.conversation.kind !== 'personal' ? 'on this card' : "in the approvers' channel";
  return `Waiting for an approver ${where}; expires at ${clockTime(a.expiresAt)} on ${a.expiresAt.slice(0, 10)}${view.allowSelfApproval ? ' (self-approval is allowed here)' : ''}`;
}

function statusLine(r: ProvisioningRequest, view: ProgressView): string {
  // A decision that ended the request is its headline; a pending or positive one is a fact below.
  if (r.state === 'rejected' || r.state === 'expired') return `${approvalLine(r, view)}. ${STATUS[r.state].line}`;
  if (r.state === 'queued' && view.queuePosition !== undefined) {
    const cap = view.maxConcurrent ? `Live Platform deploys at most ${view.maxConcurrent} customer${view.maxConcurrent === 1 ? '' : 's'} at once; ` : '';
    return `Queued — position ${view.queuePosition}. ${cap}this request starts when a place frees up. Nothing has been sent to Live Platform yet.`;
  }
  if (r.state === 'cancelled' && r.cancelled) {
    return `Cancelled by ${escapeMarkdown(r.cancelled.by.name)} at ${clockTime(r.cancelled.at)}${r.cancelled.reason ? ` — ${escapeMarkdown(r.cancelled.reason)}` : ''}. Nothing was sent to Live Platform, so nothing was created.`;
  }
  return STATUS[r.state].line;
}

/** 10:42 (UTC): when something happened, as a card line says it. */
export function clockTime(iso: string): string {
  return `${iso.slice(11, 16)} UTC`;
}

// Plain symbols rather than emoji: every client font has them, colour comes from the card.
const ICON = { done: '✓', error: '✗', warning: '⚠', running: '▶', pending: '○' } as const;

interface StepView {
  icon: string;
  iconColor: string;
  text: string;
  color: string;
  weight: string;
  time: string;
}

function stepView(level: string, message: string, time: string): StepView {
  const l = level.toLowerCase();
  if (l === 'error') return { icon: ICON.error, iconColor: 'Attention', text: escapeMarkdown(message), color: 'Attention', weight: 'Bolder', time };
  if (l === 'warning') return { icon: ICON.warning, iconColor: 'Warning', text: escapeMarkdown(message), color: 'Warning', weight: 'Default', time };
  const known = l === 'information';
  return { icon: ICON.done, iconColor: 'Good', text: escapeMarkdown(known ? message : `${message} (${level})`), color: 'Default', weight: 'Default', time };
}

/** What everyone in the conversation sees while the request runs and after it ends. */
export function renderProgressCard(r: ProvisioningRequest, view: ProgressView = {}): AdaptiveCardJson {
  const now = view.now ?? new Date();
  const c = r.customer;
  const st = STATUS[r.state];
  const start = Date.parse(r.createdAt);
  const end = r.finishedAt ? Date.parse(r.finishedAt) : now.getTime();
  const running = !isTerminal(r.state);

  const facts: { title: string; value: string }[] = [
    { title: 'Request', value: r.id },
    { title: 'Requested by', value: escapeMarkdown(r.requestedBy.name) },
    { title: 'Short name', value: escapeMarkdown(c.shortName) },
    { title: 'Full name', value: escapeMarkdown(c.fullName ?? c.shortName) },
    { title: 'Tenant', value: escapeMarkdown(c.tenantInput && c.tenantInput.toLowerCase() !== c.msTenantId ? `${c.msTenantId} (${c.tenantInput})` : c.msTenantId) },
    { title: 'Customer type', value: c.ovocCustomerType },
    { title: 'SBC / scripts', value: `SBC ${c.siteLocation.sbcId} · onboarding ${c.siteLocation.sbcOnboardingScript} · cleanup ${c.siteLocation.sbcCleanupScript}` },
  ];
  const approval = r.state === 'rejected' || r.state === 'expired' ? undefined : approvalLine(r, view);
  if (approval) facts.splice(2, 0, { title: 'Approval', value: approval });
  if (r.retryOf) facts.splice(2, 0, { title: 'Resubmits', value: r.retryOf });
  if (r.retriedAs) facts.splice(2, 0, { title: 'Resubmitted as', value: `${r.retriedAs.id} by ${escapeMarkdown(r.retriedAs.by.name)} at ${clockTime(r.retriedAs.at)}` });
  if (c.channelId) facts.push({ title: 'Channel', value: escapeMarkdown(c.channelId) });
  if (c.lcCustomerId) facts.push({ title: 'Parent customer', value: escapeMarkdown(c.lcCustomerId) });
  for (const [k, v] of Object.entries(c.scriptParameters)) facts.push({ title: paramLabel(k), value: escapeMarkdown(v) });
  for (const k of c.secretKeys) facts.push({ title: paramLabel(k), value: MASK });

  const rel = (iso: string) => `+${formatDuration(Date.parse(iso) - start)}`;
  let steps: StepView[] = r.steps.map((s) => stepView(s.level, s.message, rel(s.at)));
  let hiddenSteps = '';
  if (steps.length > MAX_STEPS_SHOWN) {
    hiddenSteps = `${steps.length - MAX_STEPS_SHOWN} earlier steps not shown.`;
    steps = steps.slice(-MAX_STEPS_SHOWN);
  }
  // Before Live Platform: what it waits for now is the running step, the deployment's steps are to come.
  const waitingFor = r.state === 'awaiting_approval' ? 'Waiting for approval' : r.state === 'queued' ? 'Waiting in the queue' : undefined;
  if (running && waitingFor) steps.push({ icon: ICON.running, iconColor: 'Accent', text: waitingFor, color: 'Default', weight: 'Bolder', time: '' });
  if (running) {
    const pending = EXPECTED_STEPS.filter((e) => !r.steps.some((s) => e.match.test(s.message)));
    const sending = r.state === 'submitted' && r.steps.length === 0;
    if (sending) steps.push({ icon: ICON.running, iconColor: 'Accent', text: 'Sending to Live Platform', color: 'Default', weight: 'Bolder', time: '' });
    pending.forEach((p, i) => {
      const current = i === 0 && !sending && !waitingFor;
      steps.push({ icon: current ? ICON.running : ICON.pending, iconColor: current ? 'Accent' : 'Default', text: p.label, color: 'Default', weight: current ? 'Bolder' : 'Lighter', time: '' });
    });
  }

  const resultFacts = r.result
    ? [
        { title: 'Customer', value: escapeMarkdown(r.result.customerId ?? c.shortName) },
        ...(r.result.customerGuid ? [{ title: 'Customer GUID', value: r.result.customerGuid }] : []),
        ...(r.result.siteLocationIds.length ? [{ title: 'Site ids', value: r.result.siteLocationIds.join(', ') }] : []),
        { title: 'Total time', value: formatDuration(end - start) },
      ]
    : [];
  const f = r.failure;
  const failureFacts = f
    ? [
        ...(f.step ? [{ title: 'Failing step', value: escapeMarkdown(f.step) }] : []),
        // Live Platform's field errors each get a line, named as the form names the field.
        ...(f.fieldErrors
          ? [
              { title: 'Cause', value: 'Live Platform rejected these fields:' },
              ...namedFieldErrors(f.fieldErrors).map((e) => ({ title: escapeMarkdown(e.field), value: escapeMarkdown(e.message) })),
            ]
          : [{ title: 'Cause', value: escapeMarkdown(f.message) }]),
        ...(f.errorDetails && f.errorDetails !== f.message ? [{ title: 'Error details', value: escapeMarkdown(f.errorDetails) }] : []),
        ...(f.traceId ? [{ title: 'Trace id', value: escapeMarkdown(f.traceId) }] : []),
        ...(f.errorTicket ? [{ title: 'Error ticket', value: escapeMarkdown(f.errorTicket) }] : []),
      ]
    : [];

  const card = renderTemplate('request-progress', {
    title: `${st.title}: ${escapeMarkdown(c.shortName)}`,
    headerStyle: st.style,
    statusLine: statusLine(r, view),
    facts,
    warnings: [
      ...r.warnings,
      ...(running && r.ump.lastError ? [`Live Platform is not answering: ${r.ump.lastError} The bot keeps trying; the customer is never created twice.`] : []),
    ].map((w) => ({ text: escapeMarkdown(w) })),
    hiddenSteps,
    steps,
    hasResult: r.state === 'deployed',
    resultFacts,
    hasFailure: r.state === 'failed' && !!f,
    failureFacts,
    failureHint: f ? escapeMarkdown(f.hint) : '',
    requestId: r.id,
    refreshUserIds: [],
    retryTitle: retryTitle(r, view),
    portalUrl: portalLink(view.portalUrl, r),
    ...actionsOf(r, view),
    footer: `${view.snapshot ? `Snapshot at ${clockTime(now.toISOString())}: the request's own card follows it live · ` : ''}${r.id} · ${running ? `running for ${formatDuration(end - start)}` : `finished after ${formatDuration(end - start)}`}${r.ump.mode ? ` · progress: ${r.ump.mode}` : ''}${r.ump.adopted ? ' · adopted after an uncertain create' : ''}`,
  });
  // A refresh dropped by its $when stays as null: leave the property out (Teams reads a null refresh as malformed).
  if (card.refresh == null) delete card.refresh;
  return card;
}
