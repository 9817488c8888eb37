import { z } from 'zod/v4';
import { canonical, canonObject, idString, intId, isPlainObject, listOf, looseText, optText } from './canon';

/**
 * Wire shapes of Live Platform answers (see docs/live-platform-api.md), written over canonical keys
 * (canon.ts). They accept the documented shape and its known drift, and nothing looser than that:
 * a body that does not carry what we need is a UmpShapeError, not a silent default.
 */

const levelMessage = canonical({ level: optText, message: looseText }, { message: ['text', 'description'] });

/** progressDetails is a documented string; a structured list is tolerated. */
const progressText = z.union([z.string(), z.null(), z.undefined(), z.array(levelMessage)]);

/** `POST /api/v2/customer` (non-task) and `GET /api/v2/customer/{id}`. */
export const customerProgressSchema = canonical(
  {
    id: idString.optional(),
    customerid: idString.nullish(),
    sitelocationids: z.array(idString).nullish(),
    deploymentstate: optText,
    errordetails: looseText,
    progressdetails: progressText,
    traceid: optText,
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
    id: idString.optional(),
    status: z.string(),
    details: z.array(z.unknown()).nullish(),
    executionmessages: z.array(levelMessage).nullish(),
    outputdata: outputData,
    errordetails: looseText,
    createtime: looseText,
    completetime: looseText,
    traceid: optText,
  },
  { status: ['state', 'taskstatus'], executionmessages: ['messages'] },
);
export type TaskWire = z.infer<typeof taskSchema>;

const siteLocation = canonical(
  { id: idString.optional(), sbcid: intId.nullish(), sbcdeploymentstate: optText },
  { id: ['sitelocationid', 'guid'], sbcdeploymentstate: ['deploymentstate'] },
);

/** One entry of `GET /api/v3/customer` (and the body of `GET /api/v3/customer/{guid}`). */
export const customerEntrySchema = canonical(
  {
    umpcustomerguid: idString,
    customershortname: z.string(),
    customerfullname: optText,
    mstenantid: optText,
    licensetype: optText,
    sitelocation: z.preprocess((v) => (isPlainObject(v) ? [v] : v), z.array(siteLocation)).nullish(),
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

export const scriptTemplateSchema = canonical(
  {
    id: intId,
    name: z.string(),
    scripttype: z.union([z.number(), z.string()]).nullish(),
    description: optText,
    customervariables: variableNames,
    relatedscripts: z.array(relatedScript).nullish(),
  },
  { id: ['scripttemplateid', 'scriptid'], name: ['scriptname', 'templatename'], relatedscripts: ['relatedscript'] },
);
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
