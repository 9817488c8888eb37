import { readFileSync } from 'node:fs';
import path from 'node:path';
import { customerEntrySchema, customerProgressSchema, problemSchema, scriptTemplatePageSchema, taskSchema } from './schemas';
import { toOnboardingScripts } from './script-templates';
import { customerPhase, snapshotFromCustomer, snapshotFromTask, taskPhase } from './snapshot';
import type { ScriptTemplate } from './types';

const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/ump', name), 'utf8'));

describe('customer progress answers', () => {
  it('turn the documented synchronous answer into a succeeded snapshot with five steps', () => {
    const snap = snapshotFromCustomer(customerProgressSchema.parse(fixture('create-sync-deployed.json')));
    expect(snap).toMatchObject({
      phase: 'succeeded',
      rawState: 'Deployed',
      customerGuid: 'b38e5a04-6d32-4be8-95bb-53bf7d6fa95c',
      customerId: 'SaraTest1',
      siteLocationIds: ['2205294f-9111-4e9d-8343-bd24f8e7a90f'],
    });
    expect(snap.steps).toHaveLength(5);
    expect(snap.errorDetails).toBeUndefined();
  });

  it('treat a 200 carrying errorDetails as a failure whatever the state says', () => {
    const snap = snapshotFromCustomer(customerProgressSchema.parse(fixture('create-200-with-error-details.json')));
    expect(snap.phase).toBe('failed');
    expect(snap.errorDetails).toContain('IP Group FailCo already exists');
  });

  it('tolerate PascalCase keys, integer site ids, an empty errorDetails and sloppy progress text', () => {
    const snap = snapshotFromCustomer(customerProgressSchema.parse(fixture('customer-drifted.json')));
    expect(snap).toMatchObject({ phase: 'running', customerGuid: 'b38e5a04-6d32-4be8-95bb-53bf7d6fa95c', siteLocationIds: ['4711'] });
    expect(snap.steps.map((s) => s.message)).toEqual(['MsTenantid is valid', 'Customer data created!']);
    expect(snap.errorDetails).toBeUndefined();
  });

  it('reject a body that carries none of the fields we need', () => {
    expect(customerProgressSchema.safeParse({ hello: 'world' }).success).toBe(false);
    expect(customerProgressSchema.safeParse('Deployed').success).toBe(false);
    expect(customerProgressSchema.safeParse({ id: { nested: true } }).success).toBe(false);
  });
});

describe('deriving the phase', () => {
  const info = [{ level: 'Information', message: 'ok' }];
  const err = [{ level: 'Error', message: 'boom' }];

  it('calls Deployed a success only when no step and no errorDetails say otherwise', () => {
    expect(customerPhase('Deployed', undefined, info)).toBe('succeeded');
    expect(customerPhase('deployed', undefined, info)).toBe('succeeded');
    expect(customerPhase('Deployed', undefined, err)).toBe('failed');
    expect(customerPhase('Deployed', 'script failed', info)).toBe('failed');
  });

  it('calls any state naming a failure or an error failed, and anything else running', () => {
    expect(customerPhase('Failed', undefined, info)).toBe('failed');
    expect(customerPhase('DeploymentError', undefined, info)).toBe('failed');
    expect(customerPhase('InProgress', undefined, info)).toBe('running');
    expect(customerPhase('SomethingNew', undefined, info)).toBe('running');
    expect(customerPhase(undefined, undefined, [])).toBe('running');
  });

  it('ends tasks on Completed*, fail, error or cancel', () => {
    expect(taskPhase('CompletedSuccess', info, undefined)).toBe('succeeded');
    expect(taskPhase('Completed', err, undefined)).toBe('failed');
    expect(taskPhase('CompletedWithErrors', info, undefined)).toBe('failed');
    expect(taskPhase('Cancelled', info, undefined)).toBe('failed');
    expect(taskPhase('Failed', info, undefined)).toBe('failed');
    expect(taskPhase('In Progress', info, undefined)).toBe('running');
  });
});

describe('task answers', () => {
  it('take the customer guid from outputData.umpCustomerGuid', () => {
    const snap = snapshotFromTask(taskSchema.parse(fixture('task-completed.json')));
    expect(snap).toMatchObject({ phase: 'succeeded', rawState: 'CompletedSuccess', customerGuid: 'b38e5a04-6d32-4be8-95bb-53bf7d6fa95c' });
    expect(snap.steps).toEqual([
      { level: 'Information', message: 'MsTenantid is valid' },
      { level: 'Information', message: 'Site created in Ovoc' },
    ]);
  });

  it('tolerate PascalCase keys, a null outputData and lower-case levels', () => {
    const snap = snapshotFromTask(taskSchema.parse(fixture('task-in-progress-drifted.json')));
    expect(snap).toEqual({ phase: 'running', rawState: 'In Progress', steps: [{ level: 'Information', message: 'MsTenantid is valid' }] });
  });

  it('give a failed task errorDetails from its last Error message', () => {
    const snap = snapshotFromTask(taskSchema.parse({ id: 'wst_1', status: 'Failed', executionMessages: [{ level: 'Error', message: 'SBC unreachable' }] }));
    expect(snap).toMatchObject({ phase: 'failed', errorDetails: 'SBC unreachable' });
  });
});

describe('customer list entries', () => {
  it('read the documented PascalCase keys and their camelCase drift alike', () => {
    const [a, b, c] = fixture('customers-v3.json') as unknown[];
    expect(customerEntrySchema.parse(a)).toMatchObject({
      umpcustomerguid: '3f1e2d4c-0000-4a00-8000-000000000001',
      customershortname: 'ExistingCo',
      sitelocation: [{ sbcid: 5, sbcdeploymentstate: 'Deployed' }],
    });
    expect(customerEntrySchema.parse(b)).toMatchObject({ umpcustomerguid: '3f1e2d4c-0000-4a00-8000-000000000002', customershortname: 'FabrikamVoice' });
    expect(customerEntrySchema.safeParse(c).success).toBe(false);
  });
});

describe('script templates', () => {
  const page = scriptTemplatePageSchema.parse(fixture('scripttemplates-page.json'));
  const templates: ScriptTemplate[] = page.map((t) => ({
    id: t.id,
    name: t.name,
    customerVariables: t.customervariables,
    relatedScripts: t.relatedscripts ?? [],
  }));

  it('read related scripts whichever side of {key, value} holds the id, and every spelling of the variables', () => {
    expect(templates.find((t) => t.id === 7)).toMatchObject({
      customerVariables: ['Variable1', 'Variable2'],
      relatedScripts: [{ id: 700, name: 'sbc-scenario7Cleanup' }],
    });
    expect(templates.find((t) => t.id === 8)).toMatchObject({
      name: 'sbc-scenario8',
      customerVariables: ['Variable1', 'Variable2'],
      relatedScripts: [{ id: 800, name: 'sbc-scenario8Cleanup' }],
    });
    expect(templates.find((t) => t.id === 9)).toMatchObject({ customerVariables: ['PbxIp'], relatedScripts: [{ id: 900 }] });
  });

  it('offer onboarding scripts paired with their cleanup, and never a cleanup script as onboarding', () => {
    const onboarding = toOnboardingScripts(templates);
    expect(onboarding.map((o) => o.id).sort((x, y) => x - y)).toEqual([7, 8, 9, 20]);
    expect(onboarding.find((o) => o.id === 7)).toEqual({
      id: 7,
      name: 'sbc-scenario7',
      customerVariables: ['Variable1', 'Variable2'],
      cleanupScriptId: 700,
      cleanupScriptName: 'sbc-scenario7Cleanup',
    });
    // The cleanup's name comes from the template list when the relation does not carry it.
    expect(onboarding.find((o) => o.id === 9)).toMatchObject({ cleanupScriptId: 900, cleanupScriptName: 'scenario9 teardown' });
    expect(onboarding.find((o) => o.id === 20)?.cleanupScriptId).toBeUndefined();
  });
});

describe('problem details', () => {
  it('keep per-field messages under the keys the server sent, and the trace id', () => {
    expect(problemSchema.parse(fixture('validation-problem.json'))).toMatchObject({
      traceid: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00',
      errors: { ShortName: ['The short name must not contain a dot.'], MsTenantId: ['This MsTenant already exists as an UMP lead!'] },
    });
  });
});
