import type { OnboardingScript } from '../ump/types';
import { AUTO_CLEANUP } from '../provisioning/customer-input';
import { CREATE_FIELDS, CUSTOM_VAR_PREFIX, CUSTOM_VARS_TEXT_FIELD, FIELD_IDS } from '../provisioning/fields';
import { AdaptiveCardJson, escapeMarkdown, renderTemplate } from './render';
import { isSecretName } from '../secrets';

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
  /** The request this form resubmits (retry, Fix and resubmit): the submit links the new request to it. */
  retryOf?: string;
}

/** Card data is untrusted: only strings, numbers and booleans are values; anything else is empty. */
const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');

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

  // What the user typed into a secret (by field, by the script variable's name, or a secret-named
  // line of the free-form box) is never rendered back; the notice says which to enter again.
  const hidden = CREATE_FIELDS.filter((f) => f.secret && str(d.values[f.id]) !== '').map((f) => f.name);
  const scriptVariables = (chosen?.customerVariables ?? []).map((name, i) => {
    const id = `${CUSTOM_VAR_PREFIX}Variable${i + 1}`;
    const secret = isSecretName(name);
    if (secret && str(d.values[id]) !== '') hidden.push(name);
    return {
      id,
      label: `${name} (${id})`,
      value: secret ? '' : str(d.values[id]),
      style: secret ? 'Password' : 'Text',
      error: (errs[id] ?? []).map(escapeMarkdown).join(' '),
    };
  });
  const boxLines = values[CUSTOM_VARS_TEXT_FIELD].split(/\r?\n/);
  const secretLines = boxLines.filter((line) => isSecretName(/^\s*([^=]*)=/.exec(line)?.[1] ?? ''));
  if (secretLines.length) {
    hidden.push(...secretLines.map((line) => line.split('=')[0].trim()));
    values[CUSTOM_VARS_TEXT_FIELD] = boxLines.filter((line) => !secretLines.includes(line)).join('\n');
  }

  // Custom variables the chosen script has no input for (a prefilled resubmit, a script list that
  // could not be loaded) go into the free-form box, so nothing that was entered is silently dropped.
  const shown = new Set(scriptVariables.map((v) => v.id));
  const leftover = Object.entries(d.values)
    .filter(([k, v]) => k.startsWith(CUSTOM_VAR_PREFIX) && !shown.has(k) && str(v).trim() !== '')
    .map(([k, v]) => `${k.slice(CUSTOM_VAR_PREFIX.length)}=${str(v)}`)
    .filter((line) => !values[CUSTOM_VARS_TEXT_FIELD].split(/\r?\n/).includes(line));
  if (leftover.length) values[CUSTOM_VARS_TEXT_FIELD] = [values[CUSTOM_VARS_TEXT_FIELD], ...leftover].filter(Boolean).join('\n');
  // Errors Live Platform gave for a custom variable without an input are shown on the box.
  for (const [k, m] of Object.entries(errs)) {
    if (k.startsWith(CUSTOM_VAR_PREFIX) && !shown.has(k)) e[CUSTOM_VARS_TEXT_FIELD] = [e[CUSTOM_VARS_TEXT_FIELD], ...m.map(escapeMarkdown)].filter(Boolean).join(' ');
  }

  const anyIn = (fields: string[]) => fields.some((f) => values[f] !== '' || e[f] !== '');
  const secretsAgain = hidden.length
    ? `For your safety ${hidden.join(', ')} ${hidden.length === 1 ? 'is' : 'are'} not shown again: enter ${hidden.length === 1 ? 'it' : 'them'} once more before you submit.`
    : undefined;
  const notices = [d.notice, secretsAgain, hasScripts ? undefined : d.scriptsUnavailableReason].filter(Boolean) as string[];

  return renderTemplate('customer-form', {
    subtitle: 'Creates the customer on AudioCodes Live Platform (POST /api/v2/customer). Required: short name, tenant, customer type, SBC and scripts.',
    formError: [d.formError, ...(errs.form ?? [])].filter(Boolean).map((m) => escapeMarkdown(m!)).join(' '),
    retryOf: d.retryOf ?? '',
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
