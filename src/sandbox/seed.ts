/**
 * What a fresh sandbox knows: script templates over several pages (onboarding scripts paired with a
 * cleanup script), SBCs, channels, Live Platform customers to nest under, and a few customers.
 * Script type codes are undocumented; the sandbox uses 1 = SBC and 2 = M365.
 */

export const SCRIPT_TYPE = { SBC: 1, M365: 2 } as const;

export interface SeedScript {
  id: number;
  name: string;
  scriptType: number;
  description: string;
  customerVariables: string[];
  relatedScripts: { key: number; value: string }[];
}

export interface SeedSbc {
  id: number;
  name: string;
  fqdn: string;
}

export interface SeedChannel {
  id: string;
  name: string;
}

export interface SeedCustomer {
  guid: string;
  shortName: string;
  fullName: string;
  msTenantId: string;
  sbcId: number;
  onboardingScriptId: number;
  cleanupScriptId: number;
  /** A seeded failure, to show what a failed customer looks like in lists. */
  failed?: boolean;
  /** Not in the customer list (another operator's customer): the bot cannot see it in advance, Live Platform refuses its short name. */
  unlisted?: boolean;
}

const ONBOARDING: [id: number, name: string, description: string, variables: string[]][] = [
  [1, 'sbc-scenario1', 'Direct SIP trunk, no registration', []],
  [2, 'sbc-scenario2', 'SIP trunk with registration', ['Variable1']],
  [3, 'sbc-scenario3', 'SIP trunk with digest authentication', ['Variable1']],
  [4, 'sbc-scenario4', 'Access trunk behind NAT', ['Variable1', 'Variable2', 'Variable3']],
  [5, 'sbc-scenario5', 'Hosted PBX with one main line', ['Variable1']],
  [6, 'sbc-scenario6', 'Hosted PBX with DID ranges', ['Variable1', 'Variable2']],
  [7, 'sbc-scenario7', 'SIP registration with two customer variables', ['Variable1', 'Variable2']],
  [8, 'sbc-scenario8', 'IP Group per customer, TLS', ['Variable1']],
  [9, 'sbc-scenario9', 'IP Group per customer, UDP', []],
  [11, 'sbc-ipgroup-basic', 'Basic IP Group onboarding', []],
  [12, 'sbc-registration-trunk', 'Registration trunk with failover', ['Variable1', 'Variable2']],
  [10007, 'sbc-onboarding', 'Generic onboarding used in the API documentation example', ['Variable1']],
];

const M365: [id: number, name: string, description: string][] = [
  [20, 'm365-voice-routing', 'Voice routing policy for the customer tenant'],
  [21, 'm365-dial-plan', 'Tenant dial plan'],
  [22, 'm365-emergency-locations', 'Emergency locations'],
  [23, 'm365-user-assignment', 'Assign numbers to users'],
];

function cleanupIdOf(id: number): number {
  return id === 10007 ? 10700 : id * 100;
}

export function seedScripts(): SeedScript[] {
  const scripts: SeedScript[] = [];
  for (const [id, name, description, customerVariables] of ONBOARDING) {
    const cleanupId = cleanupIdOf(id);
    scripts.push({ id, name, scriptType: SCRIPT_TYPE.SBC, description, customerVariables, relatedScripts: [{ key: cleanupId, value: `${name}Cleanup` }] });
    scripts.push({
      id: cleanupId,
      name: `${name}Cleanup`,
      scriptType: SCRIPT_TYPE.SBC,
      description: `Removes what ${name} configured`,
      customerVariables: [],
      relatedScripts: [],
    });
  }
  for (const [id, name, description] of M365) {
    scripts.push({ id, name, scriptType: SCRIPT_TYPE.M365, description, customerVariables: [], relatedScripts: [] });
  }
  return scripts.sort((a, b) => a.id - b.id);
}

export const SEED_SBCS: SeedSbc[] = [
  { id: 5, name: 'sbc-eu-west-1', fqdn: 'sbc-eu-west-1.sandbox.example.net' },
  { id: 6, name: 'sbc-us-east-1', fqdn: 'sbc-us-east-1.sandbox.example.net' },
  { id: 7, name: 'sbc-apac-1', fqdn: 'sbc-apac-1.sandbox.example.net' },
];

export const SEED_CHANNELS: SeedChannel[] = [
  { id: '12', name: 'Operator Connect' },
  { id: '13', name: 'Direct Routing' },
  { id: '14', name: 'Teams Phone Mobile' },
];

/** Live Platform customer ids a new service may be nested under (`lcCustomerId`). */
export const SEED_LC_CUSTOMERS = ['79192', '80001', '80002'];

export const SEED_CUSTOMERS: SeedCustomer[] = [
  {
    guid: '3f1e2d4c-0000-4a00-8000-000000000001',
    shortName: 'ExistingCo',
    fullName: 'Existing Company Ltd',
    msTenantId: '11111111-1111-4111-8111-111111111111',
    sbcId: 5,
    onboardingScriptId: 7,
    cleanupScriptId: 700,
  },
  {
    guid: '3f1e2d4c-0000-4a00-8000-000000000002',
    shortName: 'FabrikamVoice',
    fullName: 'Fabrikam Voice Services',
    msTenantId: '22222222-2222-4222-8222-222222222222',
    sbcId: 6,
    onboardingScriptId: 1,
    cleanupScriptId: 100,
  },
  {
    guid: '3f1e2d4c-0000-4a00-8000-000000000003',
    shortName: 'NorthwindTel',
    fullName: 'Northwind Telephony',
    msTenantId: '33333333-3333-4333-8333-333333333333',
    sbcId: 5,
    onboardingScriptId: 10007,
    cleanupScriptId: 10700,
  },
  {
    guid: '3f1e2d4c-0000-4a00-8000-000000000004',
    shortName: 'BrokenCo',
    fullName: 'Broken Onboarding Inc',
    msTenantId: '44444444-4444-4444-8444-444444444444',
    sbcId: 7,
    onboardingScriptId: 2,
    cleanupScriptId: 200,
    failed: true,
  },
  {
    guid: '3f1e2d4c-0000-4a00-8000-000000000005',
    shortName: 'HiddenCo',
    fullName: "Another operator's customer",
    msTenantId: '55555555-5555-4555-8555-555555555555',
    sbcId: 6,
    onboardingScriptId: 1,
    cleanupScriptId: 100,
    unlisted: true,
  },
];
