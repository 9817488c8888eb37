import { parameterName } from '../provisioning/fields';
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
  queued: { title: 'Queued', style: 'emphasis', line: 'Waiting for a free place: nothing has been sent to Live Platform yet.' },
  submitted: { title: 'Creating', style: 'accent', line: 'Sending the request to Live Platform…' },
  deploying: { title: 'Deploying', style: 'accent', line: 'Live Platform is deploying the customer. This card updates as each step completes.' },
  deployed: { title: 'Deployed', style: 'good', line: 'The customer is deployed.' },
  failed: { title: 'Failed', style: 'attention', line: 'The deployment did not complete.' },
  cancelled: { title: 'Cancelled', style: 'default', line: 'Cancelled before anything was sent to Live Platform: nothing was created.' },
};

/** What the card shows besides the stored request. */
export interface ProgressView {
  now?: Date;
  /** Its place in the deployment queue while queued (1 = next). */
  queuePosition?: number;
  /** How many deployments run at once (MAX_CONCURRENT_DEPLOYMENTS), to explain the wait. */
  maxConcurrent?: number;
}

function statusLine(r: ProvisioningRequest, view: ProgressView): string {
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
  if (running && r.state === 'queued') {
    steps.push({ icon: ICON.pending, iconColor: 'Default', text: 'Waiting in the queue', color: 'Default', weight: 'Bolder', time: '' });
  }
  if (running) {
    const pending = EXPECTED_STEPS.filter((e) => !r.steps.some((s) => e.match.test(s.message)));
    const sending = r.state === 'submitted' && r.steps.length === 0;
    if (sending) steps.push({ icon: ICON.running, iconColor: 'Accent', text: 'Sending to Live Platform', color: 'Default', weight: 'Bolder', time: '' });
    pending.forEach((p, i) => {
      const current = i === 0 && !sending;
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
        { title: 'Cause', value: escapeMarkdown(f.message) },
        ...(f.errorDetails && f.errorDetails !== f.message ? [{ title: 'Error details', value: escapeMarkdown(f.errorDetails) }] : []),
        ...(f.traceId ? [{ title: 'Trace id', value: escapeMarkdown(f.traceId) }] : []),
        ...(f.errorTicket ? [{ title: 'Error ticket', value: escapeMarkdown(f.errorTicket) }] : []),
      ]
    : [];

  return renderTemplate('request-progress', {
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
    canCancel: r.state === 'queued',
    footer: `${r.id} · ${running ? `running for ${formatDuration(end - start)}` : `finished after ${formatDuration(end - start)}`}${r.ump.mode ? ` · progress: ${r.ump.mode}` : ''}${r.ump.adopted ? ' · adopted after an uncertain create' : ''}`,
  });
}
