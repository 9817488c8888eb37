import { z } from 'zod/v4';
import { canonical, canonObject, idString, intId, isPlainObject, listOf, looseText, optText } from './canon';

/**
 * Wire shapes of Live Platform answers (see docs/live-platform-api.md), written over canonical keys
 * (canon.ts). They accept the documented shape and its known drift, and nothing looser than that:
 * a body that does not carry what we need is a UmpShapeError, not a silent default.
 */

/**
 * Values the bot only shows (names, states, types, levels) never make an entry unreadable: Live
 * Platform may send an enum as its name in any letter case or as its number, a name as
 * `{id, name}`, or null. Text is kept as sent (the bot shows it, and compares states and levels
 * case-insensitively), a number or boolean becomes its string, an object its name; anything else,
 * and empty text, is absent.
 */
function shown(v: unknown): string | undefined {
  if (v == null) return undefined;
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return String(v);
  if (isPlainObject(v)) {
    const c = canonObject(v);
    const name = [c.name, c.displayname, c.value, c.text, c.label].find((n) => typeof n === 'string' || typeof n === 'number');
    return name === undefined ? undefined : shown(name);
  }
  return undefined;
}
export const shownText = z.unknown().transform(shown);

/** A shown value the bot cannot do without (a task's status): lenient about its form, not about its presence. */
const requiredShownText = (what: string) =>
  z.unknown().transform((v, ctx) => {
    const s = shown(v);
    if (s === undefined) {
      ctx.addIssue({ code: 'custom', message: `${what} is missing or not text` });
      return z.NEVER;
    }
    return s;
  });

/** An id the bot only shows or passes back (a site location's): text or number, else absent. */
const shownId = z.unknown().transform((v) => (typeof v === 'string' || typeof v === 'number' ? shown(v) : undefined));

/** An integer the bot only shows (an SBC id): a number or numeric text, else absent. */
const shownInt = z.unknown().transform((v) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v.trim()) : Number.NaN;
  return Number.isSafeInteger(n) ? n : undefined;
});

/** A list the bot only shows: one object instead of a list is a list of one; what is not an object is dropped. */
const shownList = <T extends z.ZodType>(item: T, fromScalar?: (v: string | number) => Record<string, unknown>) =>
  z.preprocess((v) => {
    if (v == null) return undefined;
    const list = Array.isArray(v) ? v : [v];
    return list.flatMap((e) => (isPlainObject(e) ? [e] : fromScalar && (typeof e === 'string' || typeof e === 'number') ? [fromScalar(e)] : []));
  }, z.array(item).optional());

const levelMessage = canonical({ level: shownText, message: looseText }, { message: ['text', 'description'] });

/**
 * progressDetails is a documented string; a structured list is tolerated, and anything else is kept
 * as its JSON text (it is only shown, as one step).
 */
const progressText = z.preprocess(
  (v) => {
    if (v == null || typeof v === 'string') return v;
    if (!Array.isArray(v)) return JSON.stringify(v);
    return v.flatMap((e) => (isPlainObject(e) ? [e] : typeof e === 'string' || typeof e === 'number' ? [{ message: String(e) }] : []));
  },
  z.union([z.string(), z.null(), z.undefined(), z.array(levelMessage)]),
);

/** `POST /api/v2/customer` (non-task) and `GET /api/v2/customer/{id}`. */
export const customerProgressSchema = canonical(
  {
    id: idString.optional(),
    customerid: shownText,
    sitelocationids: z.preprocess(
      (v) => (v == null ? v : (Array.isArray(v) ? v : [v]).filter((e) => typeof e === 'string' || typeof e === 'number')),
      z.array(idString).nullish(),
    ),
    deploymentstate: shownText,
    errordetails: looseText,
    progressdetails: progressText,
    traceid: shownText,
  },
  { id: ['umpcustomerguid', 'customerguid', 'guid'], sitelocationids: ['sitelocationid'] },
).refine((c) => c.id !== undefined || c.deploymentstate !== undefined || c.progressdetails != null || c.errordetails !== undefined, {
  message: 'none of id, deploymentState, progressDetails, errorDetails is present',
});
export type CustomerProgressWire = z.infer<typeof customerProgressSchema>;

/** The task flavour of the create answer: `{"jobId": "wst_<uuid>"}`. */
export const jobAcceptedSchema = canonical({ jobid: idString }, { jobid: ['taskid'] });

const outputData = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return undefined;
    }
  },
  canonical({ umpcustomerguid: idString.nullish() }, { umpcustomerguid: ['customerguid', 'customerid', 'guid'] }).nullish(),
);

/** `GET /api/v2/task/{jobId}`. */
export const taskSchema = canonical(
  {
    id: shownId,
    status: requiredShownText('status'),
    details: z.preprocess((v) => (v == null || Array.isArray(v) ? v : [v]), z.array(z.unknown()).nullish()),
    executionmessages: shownList(levelMessage),
    outputdata: outputData,
    errordetails: looseText,
    createtime: looseText,
    completetime: looseText,
    traceid: shownText,
  },
  { status: ['state', 'taskstatus'], executionmessages: ['messages'] },
);
export type TaskWire = z.infer<typeof taskSchema>;

const siteLocation = canonical(
  { id: shownId, sbcid: shownInt, sbcdeploymentstate: shownText },
  { id: ['sitelocationid', 'guid'], sbcdeploymentstate: ['deploymentstate'] },
);

/**
 * One entry of `GET /api/v3/customer` (and the body of `GET /api/v3/customer/{guid}`). The guid and
 * the short name are what the bot works with (matching, links); every other field is only shown.
 */
export const customerEntrySchema = canonical(
  {
    umpcustomerguid: idString,
    customershortname: z.union([z.string(), z.number()]).transform((v) => String(v)),
    customerfullname: shownText,
    mstenantid: shownText,
    licensetype: shownText,
    sitelocation: shownList(siteLocation, (id) => ({ id })),
  },
  {
    umpcustomerguid: ['customerguid', 'guid', 'id'],
    customershortname: ['shortname', 'customername'],
    customerfullname: ['fullname'],
    sitelocation: ['sitelocations'],
  },
);
export type CustomerEntryWire = z.infer<typeof customerEntrySchema>;

/** The list is parsed entry by entry (see client), so it only has to be a list here. */
export const customerListSchema = listOf(z.unknown(), ['customers']);

/**
 * relatedScripts is documented as `[{key, value}]`; which side is the id is not stated, so the
 * numeric side is the id and the other the name. `{id, name}` is accepted too.
 */
const relatedScript = z.preprocess(
  (raw) => {
    if (!isPlainObject(raw)) return raw;
    const c = canonObject(raw);
    const candidates = [c.id, c.scriptid, c.key, c.value];
    const id = candidates.find((v) => typeof v === 'number' || (typeof v === 'string' && /^\s*\d+\s*$/.test(v)));
    const name = [c.name, c.scriptname, c.value, c.key].find((v) => typeof v === 'string' && !/^\s*\d+\s*$/.test(v));
    return { id, name };
  },
  z.object({ id: intId, name: z.string().optional() }),
);

/** customerVariables: a list of names, a list of `{name}` objects, or one comma-separated string. */
const variableNames = z.unknown().transform((v): string[] => {
  if (v == null) return [];
  if (typeof v === 'string')
    return v
      .split(/[,;]/)
      .map((s) => s.trim())
      .filter(Boolean);
  if (!Array.isArray(v)) return [JSON.stringify(v)];
  return v
    .map((item) => {
      if (typeof item === 'string') return item.trim();
      if (isPlainObject(item)) {
        const c = canonObject(item);
        const n = c.name ?? c.variablename ?? c.key ?? c.value;
        return typeof n === 'string' ? n.trim() : JSON.stringify(item);
      }
      return String(item);
    })
    .filter(Boolean);
});

/** The script type is kept raw (its meaning is undocumented): a number as a number, a name as text. */
const scriptType = z.unknown().transform((v) => (typeof v === 'number' && Number.isFinite(v) ? v : shown(v)));

/** A related script without an id cannot be paired; it is dropped rather than losing the template. */
const relatedScripts = z.preprocess(
  (v) => (v == null ? undefined : (Array.isArray(v) ? v : [v]).filter((r) => relatedScript.safeParse(r).success)),
  z.array(relatedScript).optional(),
);

export const scriptTemplateSchema = canonical(
  {
    id: intId,
    /** Shown in the form; a template without one is offered by its id. */
    name: shownText,
    scripttype: scriptType,
    description: shownText,
    customervariables: variableNames,
    relatedscripts: relatedScripts,
  },
  { id: ['scripttemplateid', 'scriptid'], name: ['scriptname', 'templatename'], relatedscripts: ['relatedscript'] },
).transform((t) => ({ ...t, name: t.name ?? `Script ${t.id}` }));
export type ScriptTemplateWire = z.infer<typeof scriptTemplateSchema>;

export const scriptTemplatePageSchema = listOf(scriptTemplateSchema, ['scripttemplates', 'templates']);

/** Entra v2 token answer. */
export const tokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  token_type: z.string().optional(),
});

/** Entra error answer (`AADSTS…` in error_description). */
export const entraErrorSchema = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
  error_codes: z.array(z.number()).optional(),
  trace_id: z.string().optional(),
  correlation_id: z.string().optional(),
});

/** ASP.NET ProblemDetails / ValidationProblemDetails, read leniently: it is only used to describe an error. */
export const problemSchema = canonical(
  {
    title: optText,
    detail: optText,
    traceid: optText,
    errorticket: optText,
    errorcode: looseText,
    errors: z
      .record(z.string(), z.union([z.array(z.unknown()), z.string()]))
      .transform((rec) =>
        Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, (Array.isArray(v) ? v : [v]).map((m) => (typeof m === 'string' ? m : JSON.stringify(m)))])),
      )
      .nullish(),
  },
  { detail: ['message'] },
);
