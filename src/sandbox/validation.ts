import { shortNameProblems } from '../ump/short-name';
import { SCRIPT_TYPE, type SeedChannel, type SeedSbc, type SeedScript } from './seed';

/**
 * Server-side checks of `POST /api/v2/customer`, as documented, answered the ASP.NET way: field names
 * in PascalCase (`ShortName`, `SiteLocation.SbcId`, `ScriptParameters.CarrierUserPassword`), one list
 * of messages per field. Property names in the body are matched case-insensitively, as ASP.NET does.
 */

export interface ValidCreate {
  shortName: string;
  fullName: string;
  sbcId: number;
  onboardingScriptId: number;
  cleanupScriptId: number;
  ovocCustomerType: 'IPGROUP_TYPE' | 'TENANT_TYPE';
  msTenantId: string;
  channelId?: string;
  lcCustomerId?: string;
}

export interface ValidationContext {
  sbcs: SeedSbc[];
  scripts: SeedScript[];
  channels: SeedChannel[];
  lcCustomers: string[];
  existing: { shortName: string; msTenantId: string }[];
  uniqueTenant: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function get(o: Obj, name: string): unknown {
  const key = Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : o[key];
}

export function validateCreate(body: unknown, ctx: ValidationContext): { ok: true; value: ValidCreate } | { ok: false; errors: Record<string, string[]> } {
  const errors: Record<string, string[]> = {};
  const add = (field: string, message: string) => (errors[field] ??= []).push(message);

  if (!isObj(body)) {
    return { ok: false, errors: { $: ['The JSON value could not be converted to CreateCustomerRequest.'], request: ['The request field is required.'] } };
  }

  const shortName = get(body, 'shortName');
  if (typeof shortName !== 'string' || shortName === '') add('ShortName', 'The ShortName field is required.');
  else {
    for (const p of shortNameProblems(shortName)) add('ShortName', p);
    if (ctx.existing.some((c) => c.shortName.toLowerCase() === shortName.toLowerCase()))
      add('ShortName', `A customer with the short name '${shortName}' already exists.`);
  }

  const fullName = get(body, 'fullName');
  if (fullName != null && typeof fullName !== 'string') add('FullName', 'The FullName field must be a string.');
  else if (typeof fullName === 'string' && fullName.length > 200) add('FullName', 'The field FullName must be a string with a maximum length of 200.');

  let site = get(body, 'siteLocation');
  if (Array.isArray(site) && site.length === 1) site = site[0]; // documented as a "list array"
  let sbcId = NaN;
  let onboardingId = NaN;
  let cleanupId = NaN;
  if (!isObj(site)) add('SiteLocation', 'The SiteLocation field is required.');
  else {
    const int = (field: string, v: unknown): number => {
      if (v == null) add(`SiteLocation.${field}`, `The ${field} field is required.`);
      else if (typeof v !== 'number' || !Number.isInteger(v)) add(`SiteLocation.${field}`, `The JSON value could not be converted to System.Int32.`);
      else return v;
      return NaN;
    };
    sbcId = int('SbcId', get(site, 'sbcId'));
    onboardingId = int('SbcOnboardingScript', get(site, 'sbcOnboardingScript'));
    cleanupId = int('SbcCleanupScript', get(site, 'sbcCleanupScript'));
    if (!Number.isNaN(sbcId) && !ctx.sbcs.some((s) => s.id === sbcId)) add('SiteLocation.SbcId', `SBC ${sbcId} is not in the Known SBCs list.`);
    const onboarding = ctx.scripts.find((s) => s.id === onboardingId);
    if (!Number.isNaN(onboardingId)) {
      if (!onboarding) add('SiteLocation.SbcOnboardingScript', `Script template ${onboardingId} does not exist.`);
      else if (onboarding.scriptType !== SCRIPT_TYPE.SBC) add('SiteLocation.SbcOnboardingScript', `Script template ${onboardingId} is not an SBC script.`);
    }
    if (!Number.isNaN(cleanupId) && !ctx.scripts.some((s) => s.id === cleanupId))
      add('SiteLocation.SbcCleanupScript', `Script template ${cleanupId} does not exist.`);
  }

  const ovoc = get(body, 'ovocCustomerType');
  if (ovoc == null || ovoc === '') add('OvocCustomerType', 'The OvocCustomerType field is required.');
  else if (ovoc !== 'IPGROUP_TYPE' && ovoc !== 'TENANT_TYPE') add('OvocCustomerType', 'OvocCustomerType must be IPGROUP_TYPE or TENANT_TYPE.');

  const msTenantId = get(body, 'msTenantId');
  if (typeof msTenantId !== 'string' || msTenantId === '') add('MsTenantId', 'The MsTenantId field is required.');
  else if (!GUID.test(msTenantId)) add('MsTenantId', 'MsTenantId must be the Microsoft 365 tenant id (a GUID).');
  else if (ctx.uniqueTenant && ctx.existing.some((c) => c.msTenantId.toLowerCase() === msTenantId.toLowerCase()))
    add('MsTenantId', 'This MsTenant already exists as an UMP lead!');

  const channelId = get(body, 'channelId');
  if (channelId != null && channelId !== '' && !ctx.channels.some((c) => c.id === String(channelId)))
    add('ChannelId', `Channel ${String(channelId)} does not exist.`);
  const lcCustomerId = get(body, 'lcCustomerId');
  if (lcCustomerId != null && lcCustomerId !== '' && !ctx.lcCustomers.includes(String(lcCustomerId)))
    add('LcCustomerId', `Live Platform customer ${String(lcCustomerId)} does not exist.`);

  const params = get(body, 'scriptParameters');
  if (!isObj(params)) add('ScriptParameters', 'The ScriptParameters field is required.');
  else {
    for (const [k, v] of Object.entries(params)) {
      if (v != null && typeof v !== 'string') add(`ScriptParameters.${k}`, 'The JSON value could not be converted to System.String.');
      if (/^customvar\./i.test(k) && !/^CustomVar\.Variable[1-9]\d*$/i.test(k))
        add(`ScriptParameters.${k}`, 'Custom variables are named CustomVar.Variable<N>, N counting from 1.');
    }
    const user = get(params, 'CarrierUserName');
    if (typeof user === 'string' && user.length > 60)
      add('ScriptParameters.CarrierUserName', 'The field CarrierUserName must be a string with a maximum length of 60.');
    const password = get(params, 'CarrierUserPassword');
    if (typeof password === 'string') {
      if (password.length > 50) add('ScriptParameters.CarrierUserPassword', 'The field CarrierUserPassword must be a string with a maximum length of 50.');
      if ([...password].some((ch) => (ch.codePointAt(0) ?? 0) > 0xff))
        add('ScriptParameters.CarrierUserPassword', 'CarrierUserPassword must not contain wide characters.');
    }
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const name = shortName as string;
  return {
    ok: true,
    value: {
      shortName: name,
      fullName: typeof fullName === 'string' && fullName !== '' ? fullName : name,
      sbcId,
      onboardingScriptId: onboardingId,
      cleanupScriptId: cleanupId,
      ovocCustomerType: ovoc as ValidCreate['ovocCustomerType'],
      msTenantId: msTenantId as string,
      ...(channelId != null && channelId !== '' ? { channelId: String(channelId) } : {}),
      ...(lcCustomerId != null && lcCustomerId !== '' ? { lcCustomerId: String(lcCustomerId) } : {}),
    },
  };
}
