import { isSecretName } from '../secrets';
import type { CharRule } from './field-rules';

/**
 * The field catalogue of the "Create Essentials Customer" request (docs/live-platform-api.md):
 * every input of the form, keyed by its API name (which is also the card input id). The form, the
 * server-side validation, the request spec, the cards and log redaction all read it.
 */

export type FieldSection = 'customer' | 'carrier' | 'more';

/** Where the value goes in `POST /api/v2/customer`. */
export type FieldTarget = 'body' | 'siteLocation' | 'scriptParameters';

export interface FieldSpec {
  /** API name and card input id. */
  id: string;
  /** The form's label (may carry the rule, e.g. the allowed characters). */
  label: string;
  /** The field's name in messages and on the progress card. */
  name: string;
  /** Placeholder text on the form. */
  help?: string;
  section: FieldSection;
  target: FieldTarget;
  maxLength: number;
  required?: boolean;
  /** Masked on cards, sealed at rest, never rendered back, never accepted in chat. */
  secret: boolean;
  /** The characters it may hold (field-rules.ts); every text is refused control characters and line breaks. */
  chars: CharRule;
  /** Documented as multi-line (one `name=value` per line): line breaks allowed, nothing else. */
  multiline?: boolean;
}

type FieldInput = Omit<FieldSpec, 'secret' | 'section' | 'target' | 'chars'> & Partial<Pick<FieldSpec, 'section' | 'target' | 'chars'>>;

function field(f: FieldInput): FieldSpec {
  const secret = isSecretName(f.id);
  return { section: 'customer', target: 'body', chars: secret ? 'secret' : 'text', ...f, secret };
}

const param = (f: Omit<FieldInput, 'section' | 'target'>) => field({ ...f, section: 'carrier', target: 'scriptParameters' });

export const CREATE_FIELDS: readonly FieldSpec[] = [
  field({
    id: 'shortName',
    name: 'Short name',
    label: 'Short name (3–15 characters, no spaces, no dot, none of \\ / : * ? " < > |)',
    help: 'e.g. Acme01',
    maxLength: 15,
    required: true,
  }),
  field({ id: 'fullName', name: 'Full name', label: 'Full name (optional, defaults to the short name)', help: 'e.g. Acme Corporation', maxLength: 200 }),
  field({
    id: 'msTenantId',
    name: 'Microsoft tenant',
    label: "Customer's Microsoft 365 tenant (tenant id GUID or domain)",
    help: 'e.g. 4bf50a33-a383-4d3f-9403-220c898bc1b2 or contoso.onmicrosoft.com',
    maxLength: 256,
    required: true,
  }),
  field({ id: 'ovocCustomerType', name: 'Customer type', label: 'Customer type', maxLength: 16, required: true }),
  field({ id: 'sbcId', name: 'SBC id', label: 'SBC id (from the Known SBCs list)', help: 'e.g. 5', maxLength: 9, required: true, target: 'siteLocation' }),
  field({
    id: 'sbcOnboardingScript',
    name: 'Onboarding script',
    label: 'Onboarding script',
    help: 'e.g. 7',
    maxLength: 9,
    required: true,
    target: 'siteLocation',
  }),
  field({ id: 'sbcCleanupScript', name: 'Cleanup script', label: 'Cleanup script', help: 'e.g. 700', maxLength: 9, required: true, target: 'siteLocation' }),
  field({ id: 'channelId', name: 'Channel id', label: 'Channel id', help: 'e.g. 12', maxLength: 64, section: 'more', chars: 'id' }),
  field({
    id: 'lcCustomerId',
    name: 'Live Platform customer id',
    label: 'Existing Live Platform customer id (nests the service under it; empty creates a new customer)',
    help: 'e.g. 79192',
    maxLength: 64,
    section: 'more',
    chars: 'id',
  }),
  param({ id: 'CacProfile', name: 'CAC profile', label: 'CAC profile', help: 'e.g. 5 sessions', maxLength: 200, chars: 'name' }),
  param({ id: 'ProxySet', name: 'Proxy set', label: 'Proxy set', help: 'e.g. SIPTrunk', maxLength: 200, chars: 'name' }),
  param({
    id: 'OnlinePstnGateway',
    name: 'Online PSTN gateway',
    label: 'Online PSTN gateway',
    help: 'e.g. gw.carrier.example.net',
    maxLength: 253,
    chars: 'host',
  }),
  param({ id: 'CarrierHostName', name: 'Carrier host name', label: 'Carrier host name', help: 'e.g. sip.carrier.example.net', maxLength: 253, chars: 'host' }),
  param({ id: 'CarrierMainLine', name: 'Carrier main line', label: 'Carrier main line (E.164)', help: 'e.g. +4930123456', maxLength: 16, chars: 'e164' }),
  param({ id: 'CarrierUserName', name: 'Carrier user name', label: 'Carrier user name (max 60)', maxLength: 60, chars: 'sipUser' }),
  param({ id: 'CarrierUserPassword', name: 'Carrier password', label: 'Carrier password (max 50; never shown again)', maxLength: 50 }),
  param({
    id: 'customVariables',
    name: 'More script variables',
    label: 'More script variables, one name=value per line (Variable3=x or 3=x means CustomVar.Variable3)',
    help: 'Variable1=value',
    maxLength: 4000,
    multiline: true,
  }),
];

/** The multi-line `name=value` box: a form input, not a request field of its own. */
export const CUSTOM_VARS_TEXT_FIELD = 'customVariables';
/** Customer variables of the onboarding script: `CustomVar.Variable<N>`, N from 1. */
export const CUSTOM_VAR_PREFIX = 'CustomVar.';

const BY_ID = new Map(CREATE_FIELDS.map((f) => [f.id, f]));

export function fieldSpec(id: string): FieldSpec {
  const f = BY_ID.get(id);
  if (!f) throw new Error(`no field '${id}' in the catalogue`);
  return f;
}

export const FIELD_IDS: readonly string[] = CREATE_FIELDS.map((f) => f.id);

/** The named script parameters that have their own input (not the free-form box). */
export const SCRIPT_PARAMETER_FIELDS: readonly string[] = CREATE_FIELDS.filter((f) => f.target === 'scriptParameters' && f.id !== CUSTOM_VARS_TEXT_FIELD).map(
  (f) => f.id,
);

/** How a script parameter is called on cards: its catalogue name, or the key as sent. */
export function parameterName(key: string): string {
  return BY_ID.get(key)?.name ?? key;
}

/**
 * The form field a Live Platform validation error names (`ShortName`, `SiteLocation.SbcId`,
 * `ScriptParameters.CarrierUserName`, `scriptParameters.CustomVar.Variable2`, any casing), so a
 * resubmitted form shows it next to the input. Extra script parameters belong to the free-form box;
 * anything else (`$`, `request`, an unknown name) is the form's as a whole: `form`.
 */
export function formFieldOf(serverName: string): string {
  const path = serverName.replace(/^\$\.?/, '').replace(/^request\./i, '');
  const custom = /(?:^|\.)customvar\.variable(\d+)$/i.exec(path);
  if (custom) return `${CUSTOM_VAR_PREFIX}Variable${custom[1]}`;
  const last = path.split('.').pop() ?? '';
  const known = CREATE_FIELDS.find((f) => f.id.toLowerCase() === last.toLowerCase());
  if (known && known.id !== CUSTOM_VARS_TEXT_FIELD) return known.id;
  if (/^scriptparameters\./i.test(path)) return CUSTOM_VARS_TEXT_FIELD;
  return 'form';
}
