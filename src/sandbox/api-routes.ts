import { randomUUID } from 'node:crypto';
import { formatSteps, progressAt, SBC_STEP, type SandboxCustomer } from './deployment';
import { json, validationProblem, type Reply } from './http-kit';
import type { RouteName } from './request-log';
import { SCRIPT_TYPE, type SeedScript } from './seed';
import type { SandboxSettings, SandboxState } from './state';
import { validateCreate } from './validation';

/**
 * The Live Platform endpoints the client uses, under `/tenantui`. Answers follow docs/live-platform-api.md; with
 * `casing: 'drifted'` they use the other key spellings the docs show (PascalCase/camelCase swaps,
 * integer site ids, comma-separated variables, sloppy progressDetails).
 */

export interface RouteContext {
  state: () => SandboxState;
  settings: () => SandboxSettings;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export interface ApiRequest {
  method: string;
  /** Relative to /tenantui, e.g. /api/v2/customer/abc. */
  path: string;
  query: URLSearchParams;
  bodyText: string;
}

interface Route {
  name: RouteName;
  method: string;
  pattern: RegExp;
  handle(ctx: RouteContext, req: ApiRequest, params: string[]): Promise<Reply> | Reply;
}

const notFound = (what: string) => json(404, `${what} not found`);

function customerBody(c: SandboxCustomer, s: SandboxSettings, now: number): Record<string, unknown> {
  const p = progressAt(c, now);
  if (s.casing === 'drifted') {
    return {
      Id: c.guid,
      CustomerId: c.shortName,
      SiteLocationIds: [c.siteLocationNumber],
      DeploymentState: p.state,
      ErrorDetails: p.errorDetails,
      ProgressDetails: formatSteps(p.steps, true),
    };
  }
  return {
    id: c.guid,
    customerId: c.shortName,
    siteLocationIds: [c.siteLocationId],
    deploymentState: p.state,
    errorDetails: p.errorDetails,
    progressDetails: formatSteps(p.steps, false),
  };
}

function customerV3(c: SandboxCustomer, s: SandboxSettings, now: number, allDetails: boolean): Record<string, unknown> {
  const p = progressAt(c, now);
  const site = {
    SiteLocationId: c.siteLocationId,
    SbcId: c.sbcId,
    SbcName: c.sbcName,
    sbcDeploymentState: p.state,
    SbcOnboardingScript: c.onboardingScriptId,
    SbcCleanupScript: c.cleanupScriptId,
  };
  const body: Record<string, unknown> = {
    UmpCustomerGuid: c.guid,
    CustomerShortName: c.shortName,
    CustomerFullName: c.fullName,
    LicenseType: c.licenseType,
    MsTenantId: c.msTenantId,
    OvocCustomerType: c.ovocCustomerType,
    ChannelId: c.channelId ?? null,
    LcCustomerId: c.lcCustomerId ?? null,
    ...(allDetails ? { SiteLocation: [site] } : {}),
  };
  return s.casing === 'drifted' ? (camelKeys(body) as Record<string, unknown>) : body;
}

function camelKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.charAt(0).toLowerCase() + k.slice(1), camelKeys(x)]));
}

function scriptBody(t: SeedScript, s: SandboxSettings, allDetails: boolean): Record<string, unknown> {
  if (s.casing === 'drifted') {
    return {
      Id: t.id,
      Name: t.name,
      ScriptType: t.scriptType,
      Description: t.description,
      ...(allDetails
        ? { CustomerVariables: t.customerVariables.join(','), RelatedScripts: t.relatedScripts.map((r) => ({ Key: String(r.key), Value: r.value })) }
        : {}),
    };
  }
  return {
    id: t.id,
    name: t.name,
    scriptType: t.scriptType,
    description: t.description,
    ...(allDetails ? { customerVariables: t.customerVariables, relatedScripts: t.relatedScripts } : {}),
  };
}

function taskBody(jobId: string, c: SandboxCustomer, s: SandboxSettings, now: number): Record<string, unknown> {
  const p = progressAt(c, now);
  const status = !p.finished ? 'In Progress' : p.state === 'Deployed' ? 'CompletedSuccess' : 'Failed';
  const body = {
    id: jobId,
    status,
    details: [] as unknown[],
    executionMessages: p.steps.map((st) => ({ level: st.level, message: st.message })),
    outputData: p.customerCreated ? { umpCustomerGuid: c.guid } : null,
    createTime: new Date(c.startedAt).toISOString(),
    completeTime: p.finished ? new Date(p.finishesAt).toISOString() : null,
  };
  if (s.casing !== 'drifted') return body;
  return {
    Id: body.id,
    Status: body.status,
    Details: body.details,
    ExecutionMessages: body.executionMessages.map((m) => ({ Level: m.level, Message: m.message })),
    OutputData: p.customerCreated ? { UmpCustomerGuid: c.guid } : null,
    CreateTime: body.createTime,
    CompleteTime: body.completeTime,
  };
}

async function createCustomer(ctx: RouteContext, req: ApiRequest): Promise<Reply> {
  let body: unknown;
  try {
    body = JSON.parse(req.bodyText);
  } catch {
    return validationProblem({
      $: ['The request body is not valid JSON. Path: $ | LineNumber: 0 | BytePositionInLine: 0.'],
      request: ['The request field is required.'],
    });
  }
  const state = ctx.state();
  const s = ctx.settings();
  const checked = validateCreate(body, {
    sbcs: state.sbcs,
    scripts: state.scripts,
    channels: state.channels,
    lcCustomers: state.lcCustomers,
    existing: [...state.customers.values()],
    uniqueTenant: s.uniqueTenant,
  });
  if (!checked.ok) return validationProblem(checked.errors);
  const v = checked.value;
  const siteNumber = state.nextSiteNumber++;
  const c: SandboxCustomer = {
    guid: randomUUID(),
    shortName: v.shortName,
    fullName: v.fullName,
    msTenantId: v.msTenantId,
    ovocCustomerType: v.ovocCustomerType,
    ...(v.channelId !== undefined ? { channelId: v.channelId } : {}),
    ...(v.lcCustomerId !== undefined ? { lcCustomerId: v.lcCustomerId } : {}),
    licenseType: 'Essentials',
    siteLocationId: randomUUID(),
    siteLocationNumber: siteNumber,
    sbcId: v.sbcId,
    sbcName: state.sbcs.find((b) => b.id === v.sbcId)?.name ?? `sbc-${v.sbcId}`,
    onboardingScriptId: v.onboardingScriptId,
    onboardingScriptName: state.scripts.find((t) => t.id === v.onboardingScriptId)?.name ?? String(v.onboardingScriptId),
    cleanupScriptId: v.cleanupScriptId,
    startedAt: ctx.now(),
    stepMs: s.stepMs,
    ...(/^fail/i.test(v.shortName) ? { failAt: SBC_STEP } : {}),
  };
  state.customers.set(c.guid, c);
  state.deployments.push({ shortName: c.shortName, startedAt: c.startedAt, finishesAt: progressAt(c, c.startedAt).finishesAt });

  let reply: Reply;
  if (s.mode === 'task') {
    const jobId = `wst_${randomUUID()}`;
    c.jobId = jobId;
    state.tasks.set(jobId, c);
    reply = json(200, s.casing === 'drifted' ? { JobId: jobId } : { jobId });
  } else if (s.mode === 'sync') {
    const finishesAt = progressAt(c, c.startedAt).finishesAt;
    await ctx.sleep(Math.max(0, finishesAt - ctx.now()));
    reply = json(200, customerBody(c, s, Math.max(ctx.now(), finishesAt)));
  } else {
    reply = json(200, customerBody(c, s, ctx.now()));
  }
  // The customer exists already; only the answer is late (so a client timeout fires after creation).
  if (/^slow/i.test(v.shortName)) await ctx.sleep(s.slowMs);
  return reply;
}

function listScriptTemplates(ctx: RouteContext, req: ApiRequest): Reply {
  const type = (req.query.get('scriptType') ?? 'Any').toLowerCase();
  const wanted = type === 'any' ? undefined : type === 'sbc' ? SCRIPT_TYPE.SBC : type === 'm365' ? SCRIPT_TYPE.M365 : null;
  if (wanted === null) return validationProblem({ scriptType: [`The value '${req.query.get('scriptType')}' is not valid.`] });
  const page = Number(req.query.get('pageNumber') ?? 0);
  const size = Number(req.query.get('pageSize') ?? ctx.settings().pageSize);
  const errors: Record<string, string[]> = {};
  if (!Number.isInteger(page) || page < 0) errors.pageNumber = [`The value '${req.query.get('pageNumber')}' is not valid.`];
  if (!Number.isInteger(size) || size < 1 || size > 100) errors.pageSize = ['The page size must be between 1 and 100.'];
  if (Object.keys(errors).length > 0) return validationProblem(errors);
  const allDetails = (req.query.get('allDetails') ?? '').toLowerCase() === 'true';
  const matching = ctx.state().scripts.filter((t) => wanted === undefined || t.scriptType === wanted);
  return json(
    200,
    matching.slice(page * size, page * size + size).map((t) => scriptBody(t, ctx.settings(), allDetails)),
  );
}

const GUIDISH = '([^/]+)';

export const ROUTES: Route[] = [
  { name: 'createCustomer', method: 'POST', pattern: /^\/api\/v2\/customer\/?$/i, handle: (ctx, req) => createCustomer(ctx, req) },
  {
    name: 'getCustomer',
    method: 'GET',
    pattern: new RegExp(`^/api/v2/customer/${GUIDISH}$`, 'i'),
    handle(ctx, _req, [id]) {
      const c = ctx.state().customers.get(id);
      return c ? json(200, customerBody(c, ctx.settings(), ctx.now())) : notFound(`Customer with ${id}`);
    },
  },
  {
    name: 'deleteCustomer',
    method: 'DELETE',
    pattern: new RegExp(`^/api/v2/customer/${GUIDISH}$`, 'i'),
    handle(ctx, _req, [id]) {
      if (!ctx.state().customers.delete(id)) return notFound(`Customer with ${id}`);
      return { status: 200, raw: '1', headers: { 'Content-Type': 'application/json; charset=utf-8' } };
    },
  },
  {
    name: 'getTask',
    method: 'GET',
    pattern: new RegExp(`^/api/v2/task/${GUIDISH}$`, 'i'),
    handle(ctx, _req, [jobId]) {
      const c = ctx.state().tasks.get(jobId);
      return c ? json(200, taskBody(jobId, c, ctx.settings(), ctx.now())) : notFound(`Task with ${jobId}`);
    },
  },
  {
    name: 'listCustomers',
    method: 'GET',
    pattern: /^\/api\/v3\/customer\/?$/i,
    handle(ctx, req) {
      const all = (req.query.get('allDetails') ?? '').toLowerCase() === 'true';
      return json(
        200,
        [...ctx.state().customers.values()].filter((c) => !c.unlisted).map((c) => customerV3(c, ctx.settings(), ctx.now(), all)),
      );
    },
  },
  {
    name: 'getCustomerV3',
    method: 'GET',
    pattern: new RegExp(`^/api/v3/customer/${GUIDISH}$`, 'i'),
    handle(ctx, req, [id]) {
      const c = ctx.state().customers.get(id);
      const all = (req.query.get('allDetails') ?? '').toLowerCase() === 'true';
      return c ? json(200, customerV3(c, ctx.settings(), ctx.now(), all)) : notFound(`Customer with ${id}`);
    },
  },
  { name: 'listScriptTemplates', method: 'GET', pattern: /^\/api\/v2\/scripttemplates\/?$/i, handle: (ctx, req) => listScriptTemplates(ctx, req) },
];

/** The route for a request, or why there is none (404 unknown path, 405 known path, other method). */
export function resolveRoute(method: string, path: string): { route: Route; params: string[] } | { route?: undefined; status: 404 | 405 } {
  let pathKnown = false;
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathKnown = true;
    if (route.method === method.toUpperCase()) return { route, params: m.slice(1).map(decodeURIComponent) };
  }
  return { status: pathKnown ? 405 : 404 };
}
