export { createUmpClient, type UmpClient, type UmpClientOptions } from './client';
export * from './errors';
export { formatProgressDetails, parseProgressDetails } from './progress';
export { shortNameProblems } from './short-name';
export type * from './types';
