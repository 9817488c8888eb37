import type { SandboxCustomer } from './deployment';
import { SBC_STEP } from './deployment';
import { SEED_CHANNELS, SEED_CUSTOMERS, SEED_LC_CUSTOMERS, SEED_SBCS, seedScripts, type SeedChannel, type SeedSbc, type SeedScript } from './seed';

export type ProgressMode = 'sync' | 'poll' | 'task';
export type Casing = 'documented' | 'drifted';

/** Behaviour that can change while the sandbox runs (`POST /_sandbox/config`). */
export interface SandboxSettings {
  mode: ProgressMode;
  /** Time between deployment steps; 0 finishes a deployment at once. */
  stepMs: number;
  /** How long the create POST of a `slow…` short name keeps the client waiting after creating it. */
  slowMs: number;
  /** `drifted` answers with the key casing and spacing drift docs/live-platform-api.md says clients must tolerate. */
  casing: Casing;
  /** Default page size of script templates (the documented default is 10). */
  pageSize: number;
  /** Reject a second customer for the same Microsoft tenant ("already exists as an UMP lead"). */
  uniqueTenant: boolean;
  tokenTtlSec: number;
}

export interface SandboxState {
  customers: Map<string, SandboxCustomer>;
  /** jobId → the deployment it reports on (kept after a delete, as a task history would be). */
  tasks: Map<string, SandboxCustomer>;
  scripts: SeedScript[];
  sbcs: SeedSbc[];
  channels: SeedChannel[];
  lcCustomers: string[];
  nextSiteNumber: number;
  /** Every deployment started through the API, deleted customers included: how many ran at once. */
  deployments: DeploymentSpan[];
}

export interface DeploymentSpan {
  shortName: string;
  startedAt: number;
  finishesAt: number;
}

/** The most deployments that were running at the same instant (a deployment ends when its last step completes). */
export function maxConcurrent(spans: readonly DeploymentSpan[]): number {
  const events = spans.flatMap((d) => [
    { at: d.startedAt, delta: 1 },
    { at: d.finishesAt, delta: -1 },
  ]);
  // An end and a start at the same instant do not overlap.
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let max = 0;
  for (const e of events) max = Math.max(max, (running += e.delta));
  return max;
}

export function seededState(): SandboxState {
  const scripts = seedScripts();
  const state: SandboxState = {
    customers: new Map(),
    tasks: new Map(),
    scripts,
    sbcs: SEED_SBCS.map((s) => ({ ...s })),
    channels: SEED_CHANNELS.map((c) => ({ ...c })),
    lcCustomers: [...SEED_LC_CUSTOMERS],
    nextSiteNumber: 1001,
    deployments: [],
  };
  for (const s of SEED_CUSTOMERS) {
    const customer: SandboxCustomer = {
      guid: s.guid,
      shortName: s.shortName,
      fullName: s.fullName,
      msTenantId: s.msTenantId,
      ovocCustomerType: 'IPGROUP_TYPE',
      licenseType: 'Essentials',
      siteLocationId: `${s.guid.slice(0, -12)}${'5'.repeat(12 - String(state.nextSiteNumber).length)}${state.nextSiteNumber}`,
      siteLocationNumber: state.nextSiteNumber++,
      sbcId: s.sbcId,
      sbcName: state.sbcs.find((b) => b.id === s.sbcId)?.name ?? `sbc-${s.sbcId}`,
      onboardingScriptId: s.onboardingScriptId,
      onboardingScriptName: scripts.find((t) => t.id === s.onboardingScriptId)?.name ?? String(s.onboardingScriptId),
      cleanupScriptId: s.cleanupScriptId,
      startedAt: 0,
      stepMs: 0,
      ...(s.failed ? { failAt: SBC_STEP } : {}),
      ...(s.unlisted ? { unlisted: true } : {}),
    };
    state.customers.set(customer.guid, customer);
  }
  return state;
}
