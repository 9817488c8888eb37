import { DEFAULT_RETRY, type RetryPolicy } from '../outbound/resilience';

/** The shared retry policy plus what only a create needs. */
export interface UmpRetryPolicy extends RetryPolicy {
  /** Fresh POSTs of a create after an uncertain failure, once a look-up showed nothing was created. */
  createRetries: number;
}

export const DEFAULT_UMP_RETRY: UmpRetryPolicy = { ...DEFAULT_RETRY, createRetries: 2 };
