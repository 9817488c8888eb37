import type { CustomerDetails } from '../ump/types';
import { AdaptiveCardJson, escapeMarkdown, renderTemplate } from './render';

export interface CustomerStatusData {
  customer: CustomerDetails;
  /** The customer's `deploymentState` as Live Platform sent it. */
  deploymentState?: string;
  /** Admins see which Microsoft tenant the customer belongs to. */
  showTenant: boolean;
  /** UMP_PORTAL_URL with `{customerGuid}` and `{shortName}` filled in, or ''. */
  portalUrl: string;
}

const MAX_SITES = 30;

function styleOf(state: string | undefined): string {
  if (!state) return 'default';
  if (/^deployed$/i.test(state)) return 'good';
  if (/fail|error/i.test(state)) return 'attention';
  return 'accent';
}

/** `status <shortName>` for a customer the bot did not create: what Live Platform reports about it. */
export function renderCustomerStatusCard(d: CustomerStatusData): AdaptiveCardJson {
  const c = d.customer;
  const facts = [
    { title: 'Short name', value: escapeMarkdown(c.shortName) },
    ...(c.fullName ? [{ title: 'Full name', value: escapeMarkdown(c.fullName) }] : []),
    { title: 'Customer GUID', value: escapeMarkdown(c.guid) },
    { title: 'Deployment state', value: escapeMarkdown(d.deploymentState ?? 'not reported') },
    ...(c.licenseType ? [{ title: 'License', value: escapeMarkdown(c.licenseType) }] : []),
    ...(d.showTenant && c.msTenantId ? [{ title: 'Microsoft tenant', value: escapeMarkdown(c.msTenantId) }] : []),
  ];
  return renderTemplate('customer-status', {
    title: `Live Platform: ${escapeMarkdown(c.shortName)}`,
    subtitle: 'Not created by this bot (or before it kept records): this is what Live Platform reports.',
    headerStyle: styleOf(d.deploymentState),
    facts,
    // A customer with hundreds of sites must not push the card past Teams' message size.
    sites: c.siteLocations.slice(0, MAX_SITES).map((s, i) => ({
      title: `Site ${escapeMarkdown(s.id ?? String(i + 1))}`,
      value: escapeMarkdown([s.sbcId !== undefined ? `SBC ${s.sbcId}` : '', s.sbcDeploymentState ?? 'state not reported'].filter(Boolean).join(' · ')),
    })),
    footer: `${c.siteLocations.length > MAX_SITES ? `${c.siteLocations.length - MAX_SITES} more sites not shown. ` : ''}Read from Live Platform just now; it does not update.`,
    portalUrl: d.portalUrl,
  });
}
