/**
 * A deployment's progress is a pure function of the clock: the first step (tenant check) is done when
 * the POST is accepted, and each later step completes `stepMs` after the previous one. Nothing runs in
 * the background, so a sandbox never leaves timers behind and two reads at the same instant agree.
 */

export interface SandboxCustomer {
  guid: string;
  shortName: string;
  fullName: string;
  msTenantId: string;
  ovocCustomerType: string;
  channelId?: string;
  lcCustomerId?: string;
  licenseType: string;
  siteLocationId: string;
  /** The same site as an integer, for answers that type siteLocationIds as integers. */
  siteLocationNumber: number;
  sbcId: number;
  sbcName: string;
  onboardingScriptId: number;
  onboardingScriptName: string;
  cleanupScriptId: number;
  startedAt: number;
  stepMs: number;
  /** Index of the step that fails, if this deployment is set up to fail. */
  failAt?: number;
  jobId?: string;
  /** Exists, but the customer list does not show it (another operator's customer): only a create finds it. */
  unlisted?: boolean;
}

export interface Step {
  level: 'Information' | 'Warning' | 'Error';
  message: string;
}

export interface Progress {
  steps: Step[];
  state: 'InProgress' | 'Deployed' | 'Failed';
  errorDetails: string | null;
  finished: boolean;
  /** When the last step completes (or completed). */
  finishesAt: number;
  /** Whether "Customer data created!" is done, i.e. the customer guid is meaningful. */
  customerCreated: boolean;
}

export const SBC_STEP = 2;

function stepMessages(c: SandboxCustomer): string[] {
  return [
    'MsTenantid is valid',
    'Customer data created!',
    `SBC sbc-onboarding done for site ${c.shortName}.`,
    'CreateSiteInOvoc started.',
    'Site created in Ovoc',
  ];
}

export function progressAt(c: SandboxCustomer, now: number): Progress {
  const messages = stepMessages(c);
  const lastIndex = c.failAt ?? messages.length - 1;
  const finishesAt = c.startedAt + lastIndex * Math.max(0, c.stepMs);
  const reached = c.stepMs <= 0 ? messages.length : Math.min(messages.length, 1 + Math.floor((now - c.startedAt) / c.stepMs));
  const customerCreated = reached >= 2;
  if (c.failAt !== undefined && reached > c.failAt) {
    const steps: Step[] = messages.slice(0, c.failAt).map((message) => ({ level: 'Information', message }));
    steps.push({ level: 'Error', message: `SBC sbc-onboarding failed for site ${c.shortName}, script ${c.onboardingScriptName} stopped!` });
    return {
      steps,
      state: 'Failed',
      errorDetails: `Script '${c.onboardingScriptName}' failed on SBC '${c.sbcName}' (id ${c.sbcId}): connection to the SBC was lost while configuring IP Group '${c.shortName}' (sandbox: short names beginning with "fail" always fail here).`,
      finished: true,
      finishesAt,
      customerCreated,
    };
  }
  const steps: Step[] = messages.slice(0, reached).map((message) => ({ level: 'Information', message }));
  const finished = reached >= messages.length;
  return { steps, state: finished ? 'Deployed' : 'InProgress', errorDetails: null, finished, finishesAt, customerCreated };
}

export function formatSteps(steps: Step[], drifted: boolean): string {
  // The drifted form is what docs/live-platform-api.md says to tolerate: spaces around separators, no last `)`.
  if (!drifted) return steps.map((s) => `(${s.level}, ${s.message})`).join(';');
  const text = steps.map((s) => `( ${s.level} ,  ${s.message})`).join(' ; ');
  return text.endsWith(')') ? text.slice(0, -1) : text;
}
