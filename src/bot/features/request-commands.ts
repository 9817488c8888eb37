import { renderAuditCard } from '../../cards/audit-card';
import { renderCustomerStatusCard } from '../../cards/customer-status-card';
import { renderRequestListCard } from '../../cards/request-list-card';
import { escapeMarkdown } from '../../cards/render';
import { REQUEST_STATES, statesWhere, type ProvisioningRequest, type RequestState } from '../../provisioning/request';
import { formValuesOf, retryRefusal } from '../../provisioning/retry';
import { parameterName } from '../../provisioning/fields';
import type { RequestQuery } from '../../provisioning/store';
import { refuseTurn } from '../access-guard';
import { defineFeature } from '../registry';
import { customerPortalLink } from '../../cards/progress-card';
import type { ActionTurn, CommandTurn, Turn } from '../turn';
import { buildForm } from './customer-form';

/** Requests per page of `list`: small enough for Teams' card size, enough to find today's work. */
export const LIST_PAGE_SIZE = 8;

const REQUEST_ID = /^REQ-[A-Z0-9]{6}$/i;
const terminal = statesWhere((s) => s.terminal);
const running = statesWhere((s) => !s.terminal);

/** What may follow `list`: `mine` and one state word (or a group of states). */
const LIST_FILTERS: Record<string, readonly RequestState[]> = {
  waiting: ['awaiting_approval'],
  approval: ['awaiting_approval'],
  queued: ['queued'],
  running,
  active: running,
  open: running,
  deploying: ['submitted', 'deploying'],
  deployed: ['deployed'],
  done: ['deployed'],
  failed: ['failed'],
  cancelled: ['cancelled'],
  rejected: ['rejected'],
  expired: ['expired'],
  ended: terminal,
  finished: terminal,
};
const FILTER_WORDS = ['mine', ...Object.keys(LIST_FILTERS), 'all'];

type ListQuery = Omit<RequestQuery, 'conversation' | 'limit' | 'before'>;

/** `mine failed` → the query, or the words that mean nothing. */
export function parseListFilter(words: readonly string[], actorId: string): { query: ListQuery; unknown: string[] } {
  const query: { requestedBy?: string; states?: RequestState[] } = {};
  const unknown: string[] = [];
  for (const raw of words) {
    const w = raw.toLowerCase();
    if (w === 'mine' || w === 'my') query.requestedBy = actorId;
    else if (w === 'all') continue;
    // Own keys only: `list constructor` is a word nobody defined, not Object.prototype's.
    else if (Object.hasOwn(LIST_FILTERS, w)) query.states = [...new Set([...(query.states ?? []), ...LIST_FILTERS[w]])];
    else if ((REQUEST_STATES as readonly string[]).includes(w)) query.states = [...new Set([...(query.states ?? []), w as RequestState])];
    else unknown.push(raw);
  }
  return { query, unknown };
}

const prefixOf = (turn: Turn) => (turn.address.kind === 'personal' ? '' : `@${turn.botName} `);

/**
 * Commands over a request's whole life: `status`, `list`, `cancel`, `retry`, `audit`, and the
 * card actions that go with them (More on a list, Fix and resubmit on a finished card). Who may is
 * the access policy's call: the registry checks each command's permission, and every action on one
 * request asks the guard for that request (from the actor and the stored request, never card data).
 */
export const requestCommandsFeature = defineFeature({
  id: 'request-commands',
  commands: [
    {
      name: 'status',
      aliases: ['show'],
      usage: 'status <request id | short name>',
      summary: "A request's state and steps; for a customer the bot did not create, what Live Platform reports.",
      example: 'status REQ-7K3F9Q',
      permission: 'view',
    },
    {
      name: 'list',
      aliases: ['ls', 'requests'],
      usage: 'list [mine] [waiting | queued | running | deployed | failed | cancelled | rejected | expired]',
      summary: "This conversation's recent requests, newest first, with state, who and when.",
      example: 'list mine failed',
      permission: 'view',
    },
    {
      name: 'cancel',
      aliases: ['stop'],
      usage: 'cancel <request id> [reason]',
      summary: 'Stop a request that has not reached Live Platform yet (waiting for approval, queued).',
      example: 'cancel REQ-7K3F9Q wrong SBC',
      permission: 'cancel',
    },
    {
      name: 'retry',
      aliases: ['resubmit'],
      usage: 'retry <request id>',
      summary: 'Open the form again, prefilled, for a request that ended before Live Platform created anything.',
      example: 'retry REQ-7K3F9Q',
      permission: 'retry',
    },
    {
      name: 'audit',
      aliases: ['trail', 'history'],
      usage: 'audit <request id>',
      summary: "A request's trail: requested, validated, approved, queued, sent, each step and the end, with times and people.",
      example: 'audit REQ-7K3F9Q',
      permission: 'view',
    },
  ],
  verbs: [
    { verb: 'requests.more', permission: 'view' },
    { verb: 'request.retry', permission: 'retry' },
  ],
  create(deps) {
    const { service, guard, card } = deps;

    const status = async (turn: CommandTurn) => {
      const arg = turn.command.args.positional[0]?.trim() ?? turn.command.rest.trim();
      if (!arg)
        return void (await turn.send(`Say which request or customer, e.g. **${prefixOf(turn)}status REQ-7K3F9Q** or **${prefixOf(turn)}status Acme01**.`));
      if (REQUEST_ID.test(arg)) {
        const r = await guard.request(turn, 'view', arg, 'command');
        if (r) await turn.send(card(r, { snapshot: true }));
        return;
      }
      await statusByShortName(turn, arg);
    };

    const statusByShortName = async (turn: CommandTurn, shortName: string) => {
      // The bot's own requests first: their card says more than Live Platform does.
      const ours = (await service.findByShortName(shortName, 5)).filter((r) => guard.allows(turn, 'view', r, 'command'));
      if (ours.length) {
        await turn.send(card(ours[0], { snapshot: true }));
        if (ours.length > 1) {
          await turn.send(
            `Earlier requests for ${escapeMarkdown(ours[0].customer.shortName)}: ${ours
              .slice(1)
              .map((r) => `${r.id} (${r.state.replace('_', ' ')})`)
              .join(', ')}.`,
          );
        }
        return;
      }
      if (!(await guard.check(turn, 'lookup'))) return;
      const found = await service.lookupCustomer(shortName);
      const name = escapeMarkdown(shortName.slice(0, 40));
      if (found.kind === 'unavailable') return void (await turn.send(`Live Platform could not be asked about ${name}: ${escapeMarkdown(found.message)}`));
      if (found.kind === 'not-found') {
        return void (await turn.send(
          `There is no request for ${name} here, and Live Platform lists no customer with that short name. Check the spelling, or type **${prefixOf(turn)}list** to see this conversation's requests.`,
        ));
      }
      await turn.send(
        renderCustomerStatusCard({
          customer: found.customer,
          deploymentState: found.deploymentState,
          showTenant: guard.may(turn, 'seeOtherCustomers'),
          portalUrl: customerPortalLink(deps.portalUrl, found.customer),
        }),
      );
    };

    const listPage = async (turn: Turn, filterText: string, before?: RequestQuery['before']) => {
      const words = filterText.split(/\s+/).filter(Boolean);
      const { query, unknown } = parseListFilter(words, turn.actor.id);
      if (unknown.length) {
        await refuseTurn(turn, `I don't know the filter ${unknown.map((u) => `"${u.slice(0, 20)}"`).join(', ')}. Filters: ${FILTER_WORDS.join(', ')}.`);
        return undefined;
      }
      // One more than a page tells whether there is a next one.
      const rows = await service.list({ ...query, conversation: turn.address.conversationId, before, limit: LIST_PAGE_SIZE + 1 });
      const visible: ProvisioningRequest[] = rows.filter((r) => guard.allows(turn, 'view', r, 'command'));
      return renderRequestListCard({
        requests: visible.slice(0, LIST_PAGE_SIZE),
        filter: words.join(' ').toLowerCase(),
        hasMore: rows.length > LIST_PAGE_SIZE,
        laterPage: !!before,
        commandPrefix: prefixOf(turn),
      });
    };

    const list = async (turn: CommandTurn) => {
      const page = await listPage(turn, turn.command.rest);
      if (page) await turn.send(page);
    };

    const more = async (turn: ActionTurn) => {
      const d = turn.action.data;
      const at = typeof d.beforeAt === 'string' && !Number.isNaN(Date.parse(d.beforeAt)) ? d.beforeAt : undefined;
      const id = typeof d.beforeId === 'string' && REQUEST_ID.test(d.beforeId) ? d.beforeId.toUpperCase() : undefined;
      const page = await listPage(turn, typeof d.filter === 'string' ? d.filter.slice(0, 100) : '', at && id ? { createdAt: at, id } : undefined);
      if (!page) return;
      // The invoke answer turns the list card into the next page; older clients get it as a message.
      if (turn.invoke) await turn.answerWithCard(page);
      else await turn.send(page);
    };

    const cancel = async (turn: CommandTurn) => {
      const [id, ...why] = turn.command.args.positional;
      const r = await guard.request(turn, 'cancel', id, 'command');
      if (!r) return;
      const reason = why.join(' ').trim().slice(0, 500) || undefined;
      const result = await service.cancel(r.id, turn.actor, reason);
      if (result.kind === 'not-found') return void (await turn.send(`There is no request ${r.id}.`));
      if (result.kind === 'too-late') return void (await turn.send(result.message));
      turn.log.info({ requestId: r.id }, 'cancelled by command');
      await turn.send(`Cancelled ${r.id} (${escapeMarkdown(r.customer.shortName)}). Nothing was sent to Live Platform, so nothing was created.`);
    };

    /** The form again, prefilled from `r`, for a new request linked to it; refused when `r` reached Live Platform. */
    const openRetryForm = async (turn: Turn, r: ProvisioningRequest): Promise<boolean> => {
      const refusal = retryRefusal(r) ?? service.approvalBlocked(turn.address) ?? (await service.createLimitReached(turn.actor));
      if (refusal) {
        await refuseTurn(turn, refusal);
        return false;
      }
      const secrets = r.customer.secretKeys.map(parameterName);
      const notice = [
        `Resubmitting ${r.id}: this is a new request, linked to it.`,
        r.failure?.fieldErrors ? 'Live Platform refused the fields marked below; correct them and submit.' : '',
        secrets.length ? `Enter ${secrets.join(', ')} again: secrets are deleted when a request ends.` : '',
      ]
        .filter(Boolean)
        .join(' ');
      await turn.send(await buildForm(service, turn.log, { values: formValuesOf(r), fieldErrors: r.failure?.fieldErrors, notice, retryOf: r.id }));
      return true;
    };

    const retry = async (turn: CommandTurn) => {
      const r = await guard.request(turn, 'retry', turn.command.args.positional[0], 'command');
      if (r) await openRetryForm(turn, r);
    };

    const retryFromCard = async (turn: ActionTurn) => {
      const r = await guard.request(turn, 'retry', turn.action.data.requestId, 'card');
      if (!r) return;
      // The failed card stays as the record of what happened; the form comes as a new message below it.
      if ((await openRetryForm(turn, r)) && turn.invoke) await turn.answerWithCard(card(r));
    };

    const audit = async (turn: CommandTurn) => {
      const r = await guard.request(turn, 'view', turn.command.args.positional[0], 'command');
      if (r) await turn.send(renderAuditCard(r, await service.audit(r.id)));
    };

    return {
      commands: { status, list, cancel, retry, audit },
      verbs: { 'requests.more': more, 'request.retry': retryFromCard },
    };
  },
});
