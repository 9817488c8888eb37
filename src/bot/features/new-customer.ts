import { refuseTurn } from '../access-guard';
import { defineFeature } from '../registry';
import type { ActionTurn, Turn } from '../turn';
import type { ParsedCommand } from '../commands';
import { buildForm, prefillFromArgs, prefillNotice } from './customer-form';

/** The request a resubmit form names (checked by the service on submit; here only carried along). */
const retryOfIn = (data: Record<string, unknown>) => (typeof data.retryOf === 'string' && data.retryOf ? data.retryOf.slice(0, 20) : undefined);

/**
 * `new`: the create form, its "Load script variables" reload, and "Create customer", which
 * validates and answers at once with the progress card while the work runs in the background.
 */
export const newCustomerFeature = defineFeature({
  id: 'new-customer',
  commands: [
    {
      name: 'new',
      aliases: ['create'],
      usage: 'new [shortName=Acme] [msTenantId=contoso.onmicrosoft.com] [field=value …]',
      summary: 'Open the form to create an Essentials customer on Live Platform. Any field can be prefilled.',
      example: 'new shortName=Acme01 msTenantId=contoso.onmicrosoft.com sbcId=5',
      permission: 'request',
    },
  ],
  verbs: [
    { verb: 'customer.create', permission: 'request' },
    { verb: 'form.refresh', permission: 'request' },
    { verb: 'form.open', permission: 'request' },
  ],
  create({ service, card, answerWithRequestCard }) {
    /** The form, prefilled from `new key=value …` (a button that opens it has no arguments). */
    const openForm = async (turn: Turn & { command?: ParsedCommand }) => {
      // Over the per-user create limit, a form would only be refused on submit: say so now.
      const blocked = service.approvalBlocked(turn.address) ?? (await service.createLimitReached(turn.actor));
      if (blocked) return void (await refuseTurn(turn, blocked));
      const { values, unknown } = prefillFromArgs(turn.command?.args.named ?? {});
      const form = await buildForm(service, turn.log, { values, notice: prefillNotice(unknown) });
      // A button that opens the form (help's New customer) as an Action.Execute turns into the form;
      // typed, or as a messageBack, the form is a new message.
      if (turn.invoke && 'answerWithCard' in turn) await (turn as ActionTurn).answerWithCard(form);
      else await turn.send(form);
    };

    /** Re-renders the form with the chosen script's variables, keeping what was typed. */
    const refreshForm = async (turn: ActionTurn) => {
      const data = turn.action.data;
      await turn.answerWithCard(await buildForm(service, turn.log, { values: data, retryOf: retryOfIn(data) }));
    };

    const submit = async (turn: ActionTurn) => {
      const { data, messageId } = turn.action;
      // One form message → one request, whatever the number of clicks, retries or duplicated invokes.
      const formKey = `${turn.address.conversationId}|${messageId ?? turn.activityId}`;
      const result = await service.submit({ formKey, raw: data, actor: turn.actor, conversation: turn.address, cardActivityId: messageId });
      if (result.kind === 'refused') {
        turn.log.info({ user: turn.actor.id }, 'submit refused');
        // The form stays, with what was typed, so a later click can still send it.
        await turn.answerWithCard(await buildForm(service, turn.log, { values: data, formError: result.message, retryOf: retryOfIn(data) }));
        return;
      }
      if (result.kind === 'invalid') {
        turn.log.info({ fields: Object.keys(result.fieldErrors), formError: !!result.formError }, 'form rejected');
        // Rebuilt from what the checks already had: the invoke's time is spent (Teams' 5 s).
        const card = await buildForm(
          service,
          turn.log,
          { values: data, fieldErrors: result.fieldErrors, formError: result.formError, retryOf: retryOfIn(data) },
          result.formError ? undefined : { scripts: result.scripts },
        );
        await turn.answerWithCard(card);
        return;
      }
      turn.log.info(
        { requestId: result.request.id, created: result.created },
        result.created ? 'request accepted' : 'duplicate submit: returning the existing request',
      );
      // The invoke answer replaces the card for the clicker; everyone else (and the Action.Submit
      // path) sees it through the shared edit the service triggers for every change.
      if (turn.invoke) await answerWithRequestCard(turn, result.request, card(result.request));
    };

    return {
      commands: { new: openForm },
      verbs: { 'customer.create': submit, 'form.refresh': refreshForm, 'form.open': openForm },
    };
  },
});
