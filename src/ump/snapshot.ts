import { normalizeLevel, parseProgressDetails } from './progress';
import type { CustomerProgressWire, TaskWire } from './schemas';
import type { ProgressPhase, ProgressSnapshot, ProgressStep } from './types';

/**
 * Deriving a phase from what the server says. Only `Deployed` and `CompletedSuccess` are documented;
 * everything else follows docs/live-platform-api.md: a state naming fail/error, an errorDetails text or an Error step
 * is a failure (even in a 200), `Deployed` is success, anything else is still running.
 */

const FAILED_WORDS = /fail|error|cancel|abort|reject/i;
/** States we have seen or reasonably expect while a deployment runs; others are logged by the client. */
export const KNOWN_RUNNING_STATES = ['inprogress', 'in progress', 'pending', 'running', 'deploying', 'created', 'new', 'queued', 'started', 'notstarted'];

function hasErrorStep(steps: ProgressStep[]): boolean {
  return steps.some((s) => s.level === 'Error');
}

export function customerPhase(state: string | undefined, errorDetails: string | undefined, steps: ProgressStep[]): ProgressPhase {
  if (errorDetails || hasErrorStep(steps) || (state && FAILED_WORDS.test(state))) return 'failed';
  if (state && state.trim().toLowerCase() === 'deployed') return 'succeeded';
  return 'running';
}

export function taskPhase(status: string, steps: ProgressStep[], errorDetails: string | undefined): ProgressPhase {
  if (FAILED_WORDS.test(status) || errorDetails) return 'failed';
  if (/^\s*completed/i.test(status)) return hasErrorStep(steps) ? 'failed' : 'succeeded';
  return 'running';
}

function stepsFrom(raw: CustomerProgressWire['progressdetails']): ProgressStep[] {
  if (Array.isArray(raw)) return raw.map((m) => ({ level: normalizeLevel(m.level ?? 'Information'), message: m.message ?? '' }));
  return parseProgressDetails(raw);
}

export function snapshotFromCustomer(wire: CustomerProgressWire): ProgressSnapshot {
  const steps = stepsFrom(wire.progressdetails);
  const errorDetails = wire.errordetails;
  return dropUndefined({
    phase: customerPhase(wire.deploymentstate, errorDetails, steps),
    steps,
    rawState: wire.deploymentstate,
    customerGuid: wire.id,
    customerId: wire.customerid ?? undefined,
    siteLocationIds: wire.sitelocationids ?? undefined,
    errorDetails,
    traceId: wire.traceid,
  });
}

function taskSteps(wire: TaskWire): ProgressStep[] {
  if (wire.executionmessages && wire.executionmessages.length > 0) {
    return wire.executionmessages.map((m) => ({ level: normalizeLevel(m.level ?? 'Information'), message: m.message ?? '' }));
  }
  // `details` is undocumented beyond being a list: keep whatever text it carries.
  return (wire.details ?? []).flatMap((d): ProgressStep[] => {
    if (typeof d === 'string') return parseProgressDetails(d);
    if (d && typeof d === 'object' && 'message' in d) {
      const level = 'level' in d && typeof d.level === 'string' ? d.level : 'Information';
      return [{ level: normalizeLevel(level), message: String(d.message) }];
    }
    return d == null ? [] : [{ level: 'Information', message: JSON.stringify(d) }];
  });
}

export function snapshotFromTask(wire: TaskWire): ProgressSnapshot {
  const steps = taskSteps(wire);
  const phase = taskPhase(wire.status, steps, wire.errordetails);
  const lastError = [...steps].reverse().find((s) => s.level === 'Error')?.message;
  return dropUndefined({
    phase,
    steps,
    rawState: wire.status,
    customerGuid: wire.outputdata?.umpcustomerguid ?? undefined,
    errorDetails: wire.errordetails ?? (phase === 'failed' ? (lastError ?? `task ended with status ${wire.status}`) : undefined),
    traceId: wire.traceid,
  });
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
