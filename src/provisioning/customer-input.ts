import { z } from 'zod/v4';
import { shortNameProblems } from '../ump/short-name';
import { CUSTOM_VAR_PREFIX, CUSTOM_VARS_TEXT_FIELD, fieldSpec, SCRIPT_PARAMETER_FIELDS } from './fields';
import { charProblems, variableValueProblems } from './field-rules';

/**
 * The create request as the engineer enters it (one flat object, card input ids = API field
 * names), validated server-side: the card's own checks are a convenience, never trusted.
 * Each message names the field's rule that failed and what to enter instead.
 */

/** The form's default cleanup choice: the script Live Platform relates to the chosen onboarding script. */
export const AUTO_CLEANUP = 'auto';

const str = (v: unknown) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : v);
/** An optional text field, bounded by its catalogue entry and held to its character rule (field-rules.ts). */
const optionalText = (id: string) => {
  const { name, maxLength, chars } = fieldSpec(id);
  return z.preprocess(
    (v) => {
      const s = str(v);
      return s === '' ? undefined : s;
    },
    z
      .string({ message: `${name} must be text` })
      .superRefine((v, ctx) => {
        // One message per field: the length first, then what the characters must be.
        const problems = v.length > maxLength ? [`${name} must be at most ${maxLength} characters`] : charProblems(name, v, chars);
        for (const message of problems) ctx.addIssue({ code: 'custom', message });
      })
      .optional(),
  );
};

/** How many custom variables one request may carry (the card has no limit of its own). */
export const MAX_CUSTOM_VARIABLES = 100;

const positiveId = (id: string, label = fieldSpec(id).name) =>
  z.preprocess(
    (v) => {
      const s = str(v);
      return s === '' || s === undefined || s === null ? undefined : s;
    },
    z
      .string({ message: `${label} is required` })
      .regex(/^\d+$/, `${label} must be a whole number (the id from Live Platform)`)
      .transform(Number)
      .refine((n) => n > 0 && Number.isSafeInteger(n), `${label} must be a positive whole number`),
  );

export const CustomerInputSchema = z.object({
  shortName: z.preprocess(
    str,
    z
      .string({ message: 'Short name is required' })
      .min(1, 'Short name is required')
      .superRefine((v, ctx) => {
        for (const p of [...charProblems('Short name', v, 'text'), ...shortNameProblems(v)]) ctx.addIssue({ code: 'custom', message: p });
      }),
  ),
  fullName: optionalText('fullName'),
  sbcId: positiveId('sbcId'),
  sbcOnboardingScript: positiveId('sbcOnboardingScript'),
  sbcCleanupScript: positiveId('sbcCleanupScript'),
  ovocCustomerType: z.preprocess(
    str,
    z.enum(['IPGROUP_TYPE', 'TENANT_TYPE'], { message: 'Customer type must be IPGROUP_TYPE (IP Group on the SBC) or TENANT_TYPE (linked by tenant id)' }),
  ),
  msTenantId: z.preprocess(
    str,
    z
      .string({ message: 'Microsoft tenant is required' })
      .min(1, 'Microsoft tenant is required')
      .max(fieldSpec('msTenantId').maxLength, 'Microsoft tenant is too long'),
  ),
  channelId: optionalText('channelId'),
  lcCustomerId: optionalText('lcCustomerId'),
  CacProfile: optionalText('CacProfile'),
  ProxySet: optionalText('ProxySet'),
  OnlinePstnGateway: optionalText('OnlinePstnGateway'),
  CarrierUserName: optionalText('CarrierUserName'),
  CarrierUserPassword: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string({ message: 'Carrier password must be text' })
      .max(fieldSpec('CarrierUserPassword').maxLength, `Carrier password must be at most ${fieldSpec('CarrierUserPassword').maxLength} characters`)
      // "No wide characters": nothing beyond Latin-1, and no control characters.
      .refine((v) => !/[^\u0020-\u007e\u00a0-\u00ff]/.test(v), 'Carrier password must not contain wide (non-Latin-1) or control characters')
      .optional(),
  ),
  CarrierMainLine: optionalText('CarrierMainLine'),
  CarrierHostName: optionalText('CarrierHostName'),
  customVariables: z
    .record(
      z.string(),
      z
        .string()
        .max(1000, 'Custom variable values must be at most 1000 characters')
        .superRefine((v, ctx) => {
          for (const message of variableValueProblems('A custom variable value', v)) ctx.addIssue({ code: 'custom', message });
        }),
    )
    .refine((vars) => Object.keys(vars).length <= MAX_CUSTOM_VARIABLES, `At most ${MAX_CUSTOM_VARIABLES} custom variables per request`)
    .default({}),
});

export type CustomerInput = z.output<typeof CustomerInputSchema>;

/** Field id → messages, keyed by the card input id so the form can show each next to its input. */
export type FieldErrors = Record<string, string[]>;

/** The name part of a `name=value` line, trimmed: a number (`3` means `Variable3`) or a parameter name. */
const VAR_LINE = /^(?:(\d+)|([A-Za-z][\w.]*))$/;

/**
 * `name=value` as `[line, name, value]`: cut at the first `=`, both sides trimmed, a value that runs
 * over a line break refused (as before). No pattern runs over the value, so even a line of 100,000
 * characters is read a few times at most (a regex ending in `(.*?)\s*$` rescans it from every space).
 */
function varLine(line: string): readonly [string, string, string] | undefined {
  const eq = line.indexOf('=');
  if (eq < 0) return undefined;
  const name = VAR_LINE.exec(line.slice(0, eq).trim());
  const value = line.slice(eq + 1).trim();
  if (!name || /[\r\u2028\u2029]/.test(value)) return undefined;
  return [line, name[1] !== undefined ? `Variable${name[1]}` : name[2], value];
}

/**
 * Collects custom variables from `CustomVar.VariableN` inputs and from the multi-line
 * `name=value` field. `Variable3=x` and `3=x` both mean `CustomVar.Variable3`; other names are
 * passed through as extra script parameters (scriptParameters is free-form).
 */
export function collectCustomVariables(raw: Record<string, unknown>): { vars: Record<string, string>; errors: string[] } {
  const vars: Record<string, string> = {};
  const errors: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (k.startsWith(CUSTOM_VAR_PREFIX) && typeof v === 'string' && v.trim() !== '') vars[k] = v.trim();
  }
  const text = raw[CUSTOM_VARS_TEXT_FIELD];
  if (typeof text === 'string') {
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      const m = varLine(line);
      if (!m) {
        errors.push(`Line ${i + 1} is not name=value (e.g. Variable1=SIPTrunk)`);
        return;
      }
      const name = /^Variable\d+$/.test(m[1]) ? `${CUSTOM_VAR_PREFIX}${m[1]}` : m[1];
      if (SCRIPT_PARAMETER_FIELDS.includes(name)) {
        errors.push(`Line ${i + 1}: ${name} has its own field in the form; enter it there`);
        return;
      }
      vars[name] = m[2];
    });
  }
  return { vars, errors };
}

export function parseCustomerInput(raw: Record<string, unknown>): { ok: true; value: CustomerInput } | { ok: false; errors: FieldErrors } {
  // The free-form box is bounded here, not only by the card's maxLength (a client can send anything).
  const box = fieldSpec(CUSTOM_VARS_TEXT_FIELD);
  const boxText = raw[CUSTOM_VARS_TEXT_FIELD];
  if (typeof boxText === 'string' && boxText.length > box.maxLength) {
    return { ok: false, errors: { [CUSTOM_VARS_TEXT_FIELD]: [`${box.name} must be at most ${box.maxLength} characters`] } };
  }
  if (typeof boxText === 'string') {
    const problems = charProblems(box.name, boxText, 'text', { multiline: true });
    if (problems.length) return { ok: false, errors: { [CUSTOM_VARS_TEXT_FIELD]: problems } };
  }
  const { vars, errors: varErrors } = collectCustomVariables(raw);
  const result = CustomerInputSchema.safeParse({ ...raw, customVariables: vars });
  const errors: FieldErrors = {};
  if (varErrors.length) errors[CUSTOM_VARS_TEXT_FIELD] = varErrors;
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = issue.path[0] === 'customVariables' ? CUSTOM_VARS_TEXT_FIELD : String(issue.path[0] ?? 'form');
      (errors[key] ??= []).push(issue.message);
    }
  }
  if (Object.keys(errors).length || !result.success) return { ok: false, errors };
  return { ok: true, value: result.data };
}
