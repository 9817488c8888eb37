import type { Logger } from '../logger';
import { createApi } from './api';
import { createCustomer as runCreate } from './create-customer';
import { UmpHttpError } from './errors';
import { createUmpHttpSend, type HttpSend } from './http';
import { DEFAULT_UMP_RETRY, type UmpRetryPolicy } from './retry';
import { customerEntrySchema, customerListSchema, customerProgressSchema, taskSchema, type CustomerEntryWire } from './schemas';
import { DEFAULT_PAGING, fetchAllScriptTemplates, toOnboardingScripts, type PagingOptions } from './script-templates';
import { KNOWN_RUNNING_STATES, snapshotFromCustomer, snapshotFromTask } from './snapshot';
import { createTokenProvider } from './token-provider';
import type {
  CreateCustomerRequest,
  CreateOutcome,
  CustomerDetails,
  CustomerList,
  CustomerSummary,
  DeleteOutcome,
  OnboardingScript,
  ProgressSnapshot,
  ScriptTemplate,
} from './types';

export interface UmpClientOptions {
  /** Provider portal plus `/tenantui`. */
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  requestTimeoutMs: number;
  /** For the create POST only: synchronous servers answer it after the whole deployment. */
  createTimeoutMs: number;
  logger: Logger;
  retry?: Partial<UmpRetryPolicy>;
  /** Parameter names and size for the (undocumented) paging of script templates. */
  scriptTemplatePaging?: Partial<PagingOptions>;
  /** Clock for token expiry; tests move it forward instead of waiting. */
  now?: () => number;
  /** Replace the wire (rarely needed: tests run against the sandbox over real HTTP). */
  http?: HttpSend;
}

export interface UmpClient {
  /**
   * POST a new customer. Never re-POSTs blindly: after an uncertain failure it adopts a customer found
   * by short name. `reconcileFirst`: a previous process may already have sent this POST, so look first.
   * A deployment that failed is a resolved outcome with `snapshot.phase === 'failed'`, not a throw.
   */
  createCustomer(req: CreateCustomerRequest, opts?: { reconcileFirst?: boolean }): Promise<CreateOutcome>;
  getCustomerProgress(guid: string): Promise<ProgressSnapshot>;
  getTaskProgress(jobId: string): Promise<ProgressSnapshot>;
  listCustomers(): Promise<CustomerSummary[]>;
  /** The customer list and how many of its entries could not be read (a duplicate check that is not complete). */
  customerList(): Promise<CustomerList>;
  /** Case-insensitive; there is no get-by-name endpoint, so this lists. */
  findCustomerByShortName(name: string): Promise<CustomerSummary | undefined>;
  /** undefined when the server says 404. */
  getCustomer(guid: string): Promise<CustomerDetails | undefined>;
  /** Every page. */
  listScriptTemplates(): Promise<ScriptTemplate[]>;
  listOnboardingScripts(): Promise<OnboardingScript[]>;
  /** 'not-found' when it was already gone (a 404), which is the state a delete wants anyway. */
  deleteCustomer(guid: string): Promise<DeleteOutcome>;
  /** Token plus one cheap authenticated GET; throws the typed error when Live Platform is not usable. */
  ping(): Promise<void>;
}

const seg = (s: string) => encodeURIComponent(s);

function toSummary(c: CustomerEntryWire): CustomerSummary {
  const s: CustomerSummary = { guid: c.umpcustomerguid, shortName: c.customershortname };
  if (c.customerfullname !== undefined) s.fullName = c.customerfullname;
  if (c.mstenantid !== undefined) s.msTenantId = c.mstenantid;
  return s;
}

export function createUmpClient(opts: UmpClientOptions): UmpClient {
  const logger = opts.logger.child({ component: 'ump' });
  const retry: UmpRetryPolicy = { ...DEFAULT_UMP_RETRY, ...opts.retry };
  const paging: PagingOptions = { ...DEFAULT_PAGING, ...opts.scriptTemplatePaging };
  const now = opts.now ?? Date.now;
  const http = createUmpHttpSend(opts.http);
  const tokens = createTokenProvider({
    tokenUrl: opts.tokenUrl,
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    scope: opts.scope,
    timeoutMs: opts.requestTimeoutMs,
    http,
    logger,
    retry,
    now,
  });
  const api = createApi({ baseUrl: opts.baseUrl, http, tokens, logger, retry, requestTimeoutMs: opts.requestTimeoutMs, clientSecret: opts.clientSecret, now });

  const seenStates = new Set<string>();
  function noteState(snapshot: ProgressSnapshot): ProgressSnapshot {
    const state = snapshot.rawState;
    if (snapshot.phase === 'running' && state && !KNOWN_RUNNING_STATES.includes(state.toLowerCase()) && !seenStates.has(state)) {
      seenStates.add(state);
      logger.info({ state }, 'undocumented progress state; treating it as still running');
    }
    return snapshot;
  }

  async function customerList(): Promise<CustomerList> {
    const path = '/api/v3/customer';
    const res = await api.call({ method: 'GET', path, retry: true });
    const entries = api.parse(customerListSchema, res, { method: 'GET', path });
    const out: CustomerSummary[] = [];
    let skipped = 0;
    for (const e of entries) {
      const parsed = customerEntrySchema.safeParse(e);
      if (parsed.success) out.push(toSummary(parsed.data));
      else skipped++;
    }
    // One odd entry should not hide every customer; it is counted so a drift is noticed, and the
    // duplicate check says it could not look at every customer.
    if (skipped > 0) logger.warn({ skipped, total: entries.length }, 'skipped customer list entries without a guid or short name');
    return { customers: out, skipped };
  }

  async function listCustomers(): Promise<CustomerSummary[]> {
    return (await customerList()).customers;
  }

  async function findCustomerByShortName(name: string): Promise<CustomerSummary | undefined> {
    const wanted = name.trim().toLowerCase();
    return (await listCustomers()).find((c) => c.shortName.trim().toLowerCase() === wanted);
  }

  async function getCustomerProgress(guid: string): Promise<ProgressSnapshot> {
    const path = `/api/v2/customer/${seg(guid)}`;
    const res = await api.call({ method: 'GET', path, retry: true });
    const snapshot = snapshotFromCustomer(api.parse(customerProgressSchema, res, { method: 'GET', path }));
    return noteState({ ...snapshot, customerGuid: snapshot.customerGuid ?? guid });
  }

  return {
    createCustomer: (req, o) =>
      runCreate(
        { api, logger, retry, createTimeoutMs: opts.createTimeoutMs, now, findCustomerByShortName, getCustomerProgress, onSnapshot: noteState },
        req,
        o,
      ),

    getCustomerProgress,

    async getTaskProgress(jobId) {
      const path = `/api/v2/task/${seg(jobId)}`;
      const res = await api.call({ method: 'GET', path, retry: true });
      return noteState(snapshotFromTask(api.parse(taskSchema, res, { method: 'GET', path })));
    },

    listCustomers,
    customerList,
    findCustomerByShortName,

    async getCustomer(guid) {
      const path = `/api/v3/customer/${seg(guid)}`;
      let res;
      try {
        res = await api.call({ method: 'GET', path, query: { allDetails: true }, retry: true });
      } catch (err) {
        if (err instanceof UmpHttpError && err.status === 404) return undefined;
        throw err;
      }
      // Some servers wrap the single customer in a one-element list.
      const body = Array.isArray(res.json) && res.json.length === 1 ? { ...res, json: res.json[0] as unknown } : res;
      const c = api.parse(customerEntrySchema, body, { method: 'GET', path });
      return {
        ...toSummary(c),
        ...(c.licensetype !== undefined ? { licenseType: c.licensetype } : {}),
        siteLocations: (c.sitelocation ?? []).map((s) => ({
          ...(s.id !== undefined ? { id: s.id } : {}),
          ...(s.sbcid != null ? { sbcId: s.sbcid } : {}),
          ...(s.sbcdeploymentstate !== undefined ? { sbcDeploymentState: s.sbcdeploymentstate } : {}),
        })),
      };
    },

    listScriptTemplates: () => fetchAllScriptTemplates(api, paging, logger, 'Any'),

    async listOnboardingScripts() {
      return toOnboardingScripts(await fetchAllScriptTemplates(api, paging, logger, 'SBC'));
    },

    async deleteCustomer(guid) {
      const path = `/api/v2/customer/${seg(guid)}`;
      try {
        // Safe to repeat: a repeat after a delete that went through answers 404, read as 'not-found'.
        await api.call({ method: 'DELETE', path, retry: true });
        return 'deleted';
      } catch (err) {
        if (err instanceof UmpHttpError && err.status === 404) return 'not-found';
        throw err;
      }
    },

    async ping() {
      await api.call({
        method: 'GET',
        path: '/api/v2/scripttemplates',
        query: { scriptType: 'Any', [paging.pageParam]: paging.firstPage, [paging.sizeParam]: 1 },
        retry: false,
      });
    },
  };
}
