import type { CreateCustomerRequest, CreateOutcome, CustomerDetails, CustomerList, CustomerSummary, OnboardingScript, ProgressSnapshot } from '../ump/types';
import type { TenantResult } from '../tenant';
import type { ProvisioningRequest } from './request';

/** What the domain needs from Live Platform (the ump/ client satisfies it). */
export interface LivePlatformPort {
  createCustomer(req: CreateCustomerRequest, opts?: { reconcileFirst?: boolean }): Promise<CreateOutcome>;
  getCustomerProgress(guid: string): Promise<ProgressSnapshot>;
  getTaskProgress(jobId: string): Promise<ProgressSnapshot>;
  listCustomers(): Promise<CustomerSummary[]>;
  /** The customer list with the count of entries that could not be read. */
  customerList(): Promise<CustomerList>;
  listOnboardingScripts(): Promise<OnboardingScript[]>;
  /** The listed customer with this short name (case-insensitive), if any. */
  findCustomerByShortName(name: string): Promise<CustomerSummary | undefined>;
  /** One customer with its sites, or undefined when Live Platform does not know the guid. */
  getCustomer(guid: string): Promise<CustomerDetails | undefined>;
}

export interface TenantPort {
  resolve(input: string): Promise<TenantResult>;
}

/**
 * Told after every committed change of a request, so the conversation's card can follow.
 * Must not throw; the edge coalesces and rate-limits.
 */
export type RequestListener = (request: ProvisioningRequest) => void;
