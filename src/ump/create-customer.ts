import type { Logger } from '../logger';
import type { Api, ApiResponse } from './api';
import { UmpDeploymentError, UmpHttpError, UmpNetworkError, UmpShapeError, UmpTimeoutError, UmpValidationError } from './errors';
import { isSecretName } from '../secrets';
import { nextDelay, sleep, type RetryPolicy } from '../outbound/resilience';
import type { UmpRetryPolicy } from './retry';
import { customerProgressSchema, jobAcceptedSchema } from './schemas';
import { snapshotFromCustomer } from './snapshot';
import type { CreateCustomerRequest, CreateOutcome, CustomerSummary, ProgressSnapshot } from './types';

/**
 * Creating a customer runs scripts on a shared SBC, and the API has no idempotency key, so the POST
 * is never repeated blindly. When its outcome is unknown (timeout, network error, 5xx) we look the
 * short name up: a customer that exists is adopted and followed; only when none exists is the POST
 * sent again, a bounded number of times. A 2xx body we cannot read is adopted the same way but never
 * re-POSTed. If even the look-up fails the original error is thrown; the caller should then call
 * again later with `reconcileFirst`.
 */

const PATH = '/api/v2/customer';

export interface CreateDeps {
  api: Api;
  logger: Logger;
  retry: UmpRetryPolicy;
  createTimeoutMs: number;
  now: () => number;
  findCustomerByShortName(name: string): Promise<CustomerSummary | undefined>;
  getCustomerProgress(guid: string): Promise<ProgressSnapshot>;
  onSnapshot(snapshot: ProgressSnapshot): void;
}

const createdCustomerSchema = customerProgressSchema.refine((c) => c.id !== undefined, { message: 'id is missing', path: ['id'] });

/** The server may or may not have acted on the POST. */
function isUncertain(err: unknown): boolean {
  if (err instanceof UmpTimeoutError || err instanceof UmpNetworkError) return true;
  return err instanceof UmpHttpError && !(err instanceof UmpValidationError) && err.status >= 500;
}

/** The server explicitly did not act on the POST. */
function isRefused(err: unknown): boolean {
  return err instanceof UmpHttpError && (err.status === 429 || err.status === 408);
}

export async function createCustomer(d: CreateDeps, req: CreateCustomerRequest, opts: { reconcileFirst?: boolean } = {}): Promise<CreateOutcome> {
  const log = d.logger.child({ shortName: req.shortName });
  const secrets = Object.entries(req.scriptParameters)
    .filter(([k]) => isSecretName(k))
    .map(([, v]) => v);

  async function adoptExisting(why: string): Promise<CreateOutcome | undefined> {
    const found = await d.findCustomerByShortName(req.shortName);
    if (!found) return undefined;
    if (found.msTenantId && found.msTenantId.toLowerCase() !== req.msTenantId.toLowerCase()) {
      // Same short name, someone else's tenant: not ours to adopt; the POST will report the clash.
      log.warn({ customerGuid: found.guid }, 'a customer with this short name exists for another Microsoft tenant; not adopting it');
      return undefined;
    }
    log.info({ customerGuid: found.guid, why }, 'adopting the existing customer with this short name');
    const snapshot = await d.getCustomerProgress(found.guid);
    return { mode: 'poll', customerGuid: found.guid, snapshot, adopted: true };
  }

  if (opts.reconcileFirst) {
    const adopted = await adoptExisting('reconcileFirst: an earlier process may have sent this create');
    if (adopted) return adopted;
  }

  const started = d.now();
  const policy: RetryPolicy = { ...d.retry, maxTotalMs: Number.POSITIVE_INFINITY };
  let uncertain = false;
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await d.api.call({ method: 'POST', path: PATH, body: req, timeoutMs: d.createTimeoutMs, retry: false, secrets });
      return interpret(res);
    } catch (err) {
      if (isUncertain(err)) {
        uncertain = true;
        log.warn({ err, attempt: attempt + 1 }, 'create POST outcome unknown; looking the short name up before anything else');
        let adopted: CreateOutcome | undefined;
        try {
          adopted = await adoptExisting('the create POST failed in a way that may have created it');
        } catch (lookupErr) {
          log.error({ err: lookupErr }, 'could not look the short name up after an uncertain create; not sending the POST again');
          throw err;
        }
        if (adopted) return adopted;
      } else if (err instanceof UmpShapeError) {
        // A 2xx we cannot read: the server most likely acted on it. Adopt it if it is there, but
        // never POST again on the strength of an answer we did not understand.
        const adopted = await adoptExisting('the create POST answered a body the client could not read').catch((lookupErr: unknown) => {
          log.error({ err: lookupErr }, 'could not look the short name up after an unreadable create answer');
          return undefined;
        });
        if (adopted) return adopted;
        throw err;
      } else if (err instanceof UmpValidationError && uncertain) {
        // An earlier POST whose answer we never saw may have landed after our look-up.
        const adopted = await adoptExisting('the repeated POST was rejected after an earlier uncertain one');
        if (adopted) return adopted;
        throw err;
      } else if (!isRefused(err)) {
        throw err;
      }
      const delay = nextDelay(err, attempt, d.now() - started, d.retry.createRetries, policy);
      if (delay === undefined) throw err;
      log.warn({ attempt: attempt + 1, delayMs: delay }, 'no customer was created; sending the create POST again');
      await sleep(delay);
    }
  }

  function interpret(res: ApiResponse): CreateOutcome {
    const job = jobAcceptedSchema.safeParse(res.json);
    if (job.success) return { mode: 'task', jobId: job.data.jobid, adopted: false };
    const snapshot = snapshotFromCustomer(d.api.parse(customerProgressSchema, res, { method: 'POST', path: PATH, secrets }));
    d.onSnapshot(snapshot);
    if (snapshot.customerGuid === undefined) {
      if (snapshot.phase === 'failed') {
        const why =
          snapshot.errorDetails ??
          [...snapshot.steps].reverse().find((s) => s.level === 'Error')?.message ??
          `deploymentState ${snapshot.rawState ?? '(none)'}`;
        throw new UmpDeploymentError(why, { traceId: snapshot.traceId });
      }
      d.api.parse(createdCustomerSchema, res, { method: 'POST', path: PATH, secrets });
    }
    return { mode: snapshot.phase === 'running' ? 'poll' : 'sync', customerGuid: snapshot.customerGuid as string, snapshot, adopted: false };
  }
}
