import { testAddress, testRequest } from '../../test/helpers/fixtures';
import { Action, createAccessPolicy, Role } from './access';
import type { Actor } from './request';

const person = (aad: string): Actor => ({ id: aad, name: aad, aadObjectId: aad });
const REQUESTER = person('aad-req');
const OTHER_REQUESTER = person('aad-req2');
const APPROVER = person('aad-appr');
const ADMIN = person('AAD-ADMIN');
const NOBODY = person('aad-nobody');
const rules = { requesters: ['aad-req', 'aad-req2'], approvers: ['aad-appr'], admins: ['aad-admin'], contact: 'the NOC lead' };
const policy = createAccessPolicy(rules);
const here = testAddress({ conversationId: '19:chan@thread.tacv2;messageid=1', kind: 'channel' });
const theirs = testRequest({ requestedBy: REQUESTER, conversation: here });

describe('the access policy', () => {
  it('gives roles by Entra object id, case-insensitively; approvers and admins may always request', () => {
    const roles = (a: Actor) => [...policy.roles(a)].sort();
    expect(roles(REQUESTER)).toEqual<Role[]>(['requester']);
    expect(roles(APPROVER)).toEqual<Role[]>(['approver', 'requester']);
    expect(roles(ADMIN)).toEqual<Role[]>(['admin', 'requester']);
    expect(roles(NOBODY)).toEqual([]);
    // An account without an Entra identity has no role, even with REQUESTERS=*.
    expect([...createAccessPolicy({ ...rules, requesters: '*' }).roles({ id: '29:x', name: 'x' })]).toEqual([]);
    expect([...createAccessPolicy({ ...rules, requesters: '*' }).roles(NOBODY)]).toEqual(['requester']);
  });

  // Who may do what: the table docs/security.md shows.
  const table: [Action, Actor, boolean][] = [
    ['help', NOBODY, true],
    ['request', NOBODY, false],
    ['request', REQUESTER, true],
    ['seeOtherCustomers', REQUESTER, false],
    ['seeOtherCustomers', APPROVER, false],
    ['seeOtherCustomers', ADMIN, true],
    ['lookup', NOBODY, false],
    ['lookup', REQUESTER, true],
    ['lookup', APPROVER, true],
    ['lookup', ADMIN, true],
    ['cancel', REQUESTER, true],
    ['cancel', OTHER_REQUESTER, false],
    ['cancel', APPROVER, true],
    ['cancel', ADMIN, true],
    ['cancel', NOBODY, false],
    ['retry', REQUESTER, true],
    ['retry', OTHER_REQUESTER, false],
    ['retry', APPROVER, false],
    ['retry', ADMIN, true],
    ['approve', REQUESTER, false],
    ['approve', APPROVER, true],
    ['approve', ADMIN, false],
    ['reject', APPROVER, true],
    ['reject', OTHER_REQUESTER, false],
  ];
  it.each(table)('%s on a request by aad-req, for %o: %s', (action, actor, allowed) => {
    expect(policy.decide(actor, action, { request: theirs, where: here, via: 'command' }).allowed).toBe(allowed);
  });

  it('lets everyone in the conversation of a request see it; elsewhere only its requester, approvers and admins', () => {
    const elsewhere = testAddress({ conversationId: 'a:1personal-x' });
    expect(policy.decide(OTHER_REQUESTER, 'view', { request: theirs, where: here }).allowed).toBe(true);
    expect(policy.decide(OTHER_REQUESTER, 'view', { request: theirs, where: elsewhere }).allowed).toBe(false);
    expect(policy.decide(REQUESTER, 'view', { request: theirs, where: elsewhere }).allowed).toBe(true);
    expect(policy.decide(ADMIN, 'view', { request: theirs, where: elsewhere }).allowed).toBe(true);
  });

  it('refuses approving one’s own request, unless self-approval is allowed', () => {
    const own = testRequest({ requestedBy: APPROVER, conversation: here });
    expect(policy.decide(APPROVER, 'approve', { request: own })).toMatchObject({ allowed: false, reason: 'own-request' });
    expect(policy.decide(APPROVER, 'reject', { request: own }).allowed).toBe(true);
    expect(createAccessPolicy({ ...rules, allowSelfApproval: true }).decide(APPROVER, 'approve', { request: own }).allowed).toBe(true);
  });

  it('refuses a card naming a request of another conversation, even for an admin; the thread of a channel is that channel', () => {
    const otherChat = testAddress({ conversationId: '19:group@thread.v2', kind: 'groupChat' });
    expect(policy.decide(ADMIN, 'cancel', { request: theirs, where: otherChat, via: 'card' })).toMatchObject({ allowed: false, reason: 'conversation' });
    const otherThread = testAddress({ conversationId: '19:chan@thread.tacv2;messageid=99', kind: 'channel' });
    expect(policy.decide(REQUESTER, 'cancel', { request: theirs, where: otherThread, via: 'card' }).allowed).toBe(true);
    // A typed command is not tied to a card: an admin may act on any request from anywhere.
    expect(policy.decide(ADMIN, 'cancel', { request: theirs, where: otherChat, via: 'command' }).allowed).toBe(true);
    // The approval card's conversation belongs to the request too.
    const linked = { ...theirs, linkedCards: [{ conversation: otherChat, purpose: 'approval' }] };
    expect(policy.decide(APPROVER, 'approve', { request: linked, where: otherChat, via: 'card' }).allowed).toBe(true);
  });

  it('says who to ask when it refuses', () => {
    expect(policy.decide(NOBODY, 'request')).toEqual({
      allowed: false,
      reason: 'role',
      message: "You can't create customers with this bot. Ask the NOC lead to add you as a requester.",
    });
  });

  it('lets in only the listed Teams tenants, and any tenant when none are listed', () => {
    const listed = createAccessPolicy({ ...rules, allowedTenants: ['Tenant-A'] });
    expect(listed.tenantAllowed({ tenantId: 'tenant-a' })).toBe(true);
    expect(listed.tenantAllowed({ tenantId: 'tenant-b' })).toBe(false);
    expect(listed.tenantAllowed({})).toBe(false);
    expect(policy.tenantAllowed({})).toBe(true);
  });
});
