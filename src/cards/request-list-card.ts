import type { ProvisioningRequest, RequestState } from '../provisioning/request';
import { clockTime } from './progress-card';
import { AdaptiveCardJson, escapeMarkdown, renderTemplate } from './render';

/** How a state reads in a list, and its colour. */
export const STATE_LABEL: Readonly<Record<RequestState, { label: string; color: string }>> = {
  awaiting_approval: { label: 'Waiting for approval', color: 'Warning' },
  queued: { label: 'Queued', color: 'Accent' },
  submitted: { label: 'Creating', color: 'Accent' },
  deploying: { label: 'Deploying', color: 'Accent' },
  deployed: { label: 'Deployed', color: 'Good' },
  failed: { label: 'Failed', color: 'Attention' },
  cancelled: { label: 'Cancelled', color: 'Default' },
  rejected: { label: 'Rejected', color: 'Attention' },
  expired: { label: 'Expired', color: 'Default' },
};

export interface RequestListCardData {
  requests: readonly ProvisioningRequest[];
  /** What was asked for, as typed after `list` (`mine failed`); '' for everything. */
  filter: string;
  /** The page after this one exists. */
  hasMore: boolean;
  /** Not the first page (offer a way back to the newest). */
  laterPage: boolean;
  /** `@Bot ` in channels and group chats, for the hints. */
  commandPrefix: string;
}

/** `list`: a conversation's requests, newest first, with state, who and when; paged with More. */
export function renderRequestListCard(d: RequestListCardData): AdaptiveCardJson {
  const last = d.requests[d.requests.length - 1];
  const p = d.commandPrefix;
  return renderTemplate('request-list', {
    title: d.filter ? `Requests here: ${escapeMarkdown(d.filter)}` : 'Requests here',
    subtitle: d.laterPage ? 'Older requests, newest first.' : 'Newest first.',
    items: d.requests.map((r) => ({
      id: r.id,
      shortName: escapeMarkdown(r.customer.shortName),
      who: `${escapeMarkdown(r.requestedBy.name)} · ${clockTime(r.createdAt)} on ${r.createdAt.slice(0, 10)}`,
      state: STATE_LABEL[r.state].label,
      color: STATE_LABEL[r.state].color,
    })),
    empty: d.laterPage ? 'No older requests.' : `No requests${d.filter ? ` matching "${escapeMarkdown(d.filter)}"` : ''} in this conversation yet.`,
    footer: escapeMarkdown(`${p}status <request id> shows one request; ${p}audit <request id> its trail. Filters: list mine, list failed, list running, …`),
    filter: d.filter,
    hasMore: d.hasMore && !!last,
    beforeAt: last?.createdAt ?? '',
    beforeId: last?.id ?? '',
    isLaterPage: d.laterPage,
  });
}
