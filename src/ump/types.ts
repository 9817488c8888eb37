/** Shapes the rest of the bot codes against. Wire shapes live in schemas.ts; these are what callers see. */

export interface CreateCustomerRequest {
  /** 3–15 chars, no spaces, no dot, none of \ / : * ? " < > | (see short-name.ts). */
  shortName: string;
  fullName?: string;
  siteLocation: { sbcId: number; sbcOnboardingScript: number; sbcCleanupScript: number };
  ovocCustomerType: 'IPGROUP_TYPE' | 'TENANT_TYPE';
  /** The customer's Microsoft 365 tenant id (GUID). */
  msTenantId: string;
  channelId?: string;
  /** Nests the service under an existing Live Platform customer. */
  lcCustomerId?: string;
  /** Free-form; holds CarrierUserPassword, so never log this object. */
  scriptParameters: Record<string, string>;
}

export type ProgressLevel = 'Information' | 'Warning' | 'Error';

export interface ProgressStep {
  /** One of the three known levels (normalised), or an unknown level kept as the server sent it. */
  level: ProgressLevel | (string & {});
  message: string;
}

export type ProgressPhase = 'running' | 'succeeded' | 'failed';

export interface ProgressSnapshot {
  phase: ProgressPhase;
  steps: ProgressStep[];
  /** deploymentState (customer) or status (task), as sent. */
  rawState?: string;
  customerGuid?: string;
  /** The server's `customerId` (in practice the short name). */
  customerId?: string;
  siteLocationIds?: string[];
  errorDetails?: string;
  traceId?: string;
}

export type CreateOutcome =
  { mode: 'sync' | 'poll'; customerGuid: string; snapshot: ProgressSnapshot; adopted: boolean } | { mode: 'task'; jobId: string; adopted: false };

export interface CustomerSummary {
  guid: string;
  shortName: string;
  fullName?: string;
  msTenantId?: string;
}

export interface CustomerList {
  customers: CustomerSummary[];
  /** Entries that could not be read (no guid or short name): the list is not complete when > 0. */
  skipped: number;
}

export interface CustomerSiteLocation {
  id?: string;
  sbcId?: number;
  sbcDeploymentState?: string;
}

/** One customer as `GET /api/v3/customer/{guid}?allDetails=true` describes it, minus anything secret. */
export interface CustomerDetails extends CustomerSummary {
  licenseType?: string;
  siteLocations: CustomerSiteLocation[];
}

export interface RelatedScript {
  id: number;
  name?: string;
}

/** A script template as listed by the server; the type code is kept raw (its meaning is undocumented). */
export interface ScriptTemplate {
  id: number;
  name: string;
  scriptType?: number | string;
  description?: string;
  customerVariables: string[];
  relatedScripts: RelatedScript[];
}

export interface OnboardingScript {
  id: number;
  name: string;
  description?: string;
  /** Names in order; `CustomVar.Variable<N>` in scriptParameters is the N-th (1-based). */
  customerVariables: string[];
  cleanupScriptId?: number;
  cleanupScriptName?: string;
}

export type DeleteOutcome = 'deleted' | 'not-found';
