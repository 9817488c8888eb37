import type { OnboardingScript } from '../ump/types';
import { AUTO_CLEANUP } from '../provisioning/customer-input';
import { CREATE_FIELDS, CUSTOM_VAR_PREFIX, FIELD_IDS } from '../provisioning/fields';
import { AdaptiveCardJson, escapeMarkdown, renderTemplate } from './render';

const CARRIER_FIELDS = CREATE_FIELDS.filter((f) => f.section === 'carrier').map((f) => f.id);
const MORE_FIELDS = CREATE_FIELDS.filter((f) => f.section === 'more').map((f) => f.id);
/** Labels, placeholders and lengths of the inputs, as the template binds them (`${f.shortName.label}`). */
const FIELD_TEXT = Object.fromEntries(CREATE_FIELDS.map((f) => [f.id, { label: f.label, help: f.help ?? '', maxLength: f.maxLength }]));

export interface FormCardData {
  /** What the user entered (or prefilled); the password is never rendered back. */
  values: Record<string, unknown>;
  fieldErrors?: Record<string, string[]>;
  formError?: string;
  /** Onboarding scripts from Live Platform; undefined when they could not be listed. */
  scripts?: OnboardingScript[];
  /** Why the scripts are missing, shown to the user. */
  scriptsUnavailableReason?: string;
  /** A non-blocking note (e.g. the password must be entered again). */
  notice?: string;
}

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

function scriptTitle(s: { id: number; name?: string }) {
  return s.name ? `${s.name} (${s.id})` : String(s.id);
}

/** Renders cards/customer-form.json: every field of the create request, values and errors in place. */
export function renderFormCard(d: FormCardData): AdaptiveCardJson {
  const errs = d.fieldErrors ?? {};
  const values: Record<string, string> = {};
  // A secret is never rendered back, whatever the caller passed.
  for (const f of CREATE_FIELDS) values[f.id] = f.secret ? '' : str(d.values[f.id]);
  const e: Record<string, string> = {};
  for (const f of FIELD_IDS) e[f] = (errs[f] ?? []).map(escapeMarkdown).join(' ');

  const scripts = d.scripts ?? [];
  const hasScripts = scripts.length > 0;
  const chosen = scripts.find((s) => String(s.id) === values.sbcOnboardingScript) ?? (hasScripts ? scripts[0] : undefined);
  if (hasScripts && chosen && !values.sbcOnboardingScript) values.sbcOnboardingScript = String(chosen.id);
  if (hasScripts && !values.sbcCleanupScript) values.sbcCleanupScript = AUTO_CLEANUP;
  if (!values.ovocCustomerType) values.ovocCustomerType = 'IPGROUP_TYPE';

  const cleanupIds = new Map<number, string | undefined>();
  for (const s of scripts) if (s.cleanupScriptId !== undefined) cleanupIds.set(s.cleanupScriptId, s.cleanupScriptName);

  const scriptVariables = (chosen?.customerVariables ?? []).map((name, i) => {
    const id = `${CUSTOM_VAR_PREFIX}Variable${i + 1}`;
    return { id, label: `${name} (${id})`, value: str(d.values[id]), error: (errs[id] ?? []).map(escapeMarkdown).join(' ') };
  });

  const anyIn = (fields: string[]) => fields.some((f) => values[f] !== '' || e[f] !== '');
  const notices = [d.notice, hasScripts ? undefined : d.scriptsUnavailableReason].filter(Boolean) as string[];

  return renderTemplate('customer-form', {
    subtitle: 'Creates the customer on AudioCodes Live Platform (POST /api/v2/customer). Required: short name, tenant, customer type, SBC and scripts.',
    formError: d.formError ? escapeMarkdown(d.formError) : '',
    notice: notices.map(escapeMarkdown).join(' '),
    f: FIELD_TEXT,
    v: values,
    e,
    customerTypes: [
      { title: 'IP Group: an IP Group named after the customer on the SBC (SIP trunks, registration)', value: 'IPGROUP_TYPE' },
      { title: 'Tenant: linked by the Microsoft tenant id', value: 'TENANT_TYPE' },
    ],
    hasScripts,
    onboardingChoices: scripts.map((s) => ({ title: scriptTitle(s), value: String(s.id) })),
    cleanupChoices: [
      { title: 'Matching cleanup script of the onboarding script (recommended)', value: AUTO_CLEANUP },
      ...[...cleanupIds].map(([id, name]) => ({ title: scriptTitle({ id, name }), value: String(id) })),
    ],
    scriptVariables,
    scriptVariablesTitle: chosen ? `Customer variables of ${escapeMarkdown(chosen.name)}` : '',
    show: { carrier: anyIn(CARRIER_FIELDS), more: anyIn(MORE_FIELDS) },
  });
}
