/** Card action verbs: the contract between cards/*.json and the route list. Never rename one in use. */
export const COMMAND_VERBS = {
  create: 'customer.create',
  refreshForm: 'form.refresh',
  openForm: 'form.open',
} as const;
