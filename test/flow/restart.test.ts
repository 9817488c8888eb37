import axios from 'axios';
import { actionExecuteInvoke, personalMessage } from '../helpers/activities';
import { crashTestEnv, startBotProcess } from '../helpers/bot-process';
import { startFakeConnector } from '../helpers/fake-connector';
import { getFreePort } from '../helpers/ports';
import { cardJson, startBackends, VALID_FORM } from '../helpers/world';

/** kill -9 the bot in the middle of a deployment, start it again on the same data: nothing is lost. */
describe('requests survive a crash of the bot process', () => {
  it.each([
    ['mid-deployment (polling)', 'poll', 'AcmeKill', 'Deploying'],
    ['mid-create (the POST was in flight)', 'sync', 'slowKill', 'Creating'],
  ])(
    '%s: the card reaches the final state and Live Platform received one create',
    async (_label, mode, shortName, killWhen) => {
      const backends = await startBackends({ mode: mode as 'poll' | 'sync', stepMs: 150, slowMs: 3_000 });
      const { sandbox } = backends;
      const connector = await startFakeConnector();
      const env = crashTestEnv(backends.env);
      const port = await getFreePort();
      let bot = await startBotProcess(env, port);
      try {
        await axios.post(`${bot.url}/api/messages`, personalMessage('new', { serviceUrl: connector.url }));
        const form = await connector.waitFor((x) => !!x.body?.attachments, 10_000);
        const formId = form.responseId!;
        await axios.post(
          `${bot.url}/api/messages`,
          actionExecuteInvoke('customer.create', { ...VALID_FORM, shortName }, { serviceUrl: connector.url, replyToId: formId }),
        );
        if (killWhen === 'Creating') {
          // The create has reached Live Platform but its answer has not come back yet.
          const deadline = Date.now() + 10_000;
          while (!sandbox.requests().some((r) => r.route === 'createCustomer') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        } else {
          await connector.waitFor((x) => x.kind === 'edit' && x.activityId === formId && cardJson(x).includes('"Deploying: '), 10_000);
        }
        await bot.kill('SIGKILL');
        expect(sandbox.customers().find((x) => x.shortName === shortName)?.deploymentState).not.toBe('Deployed');

        bot = await startBotProcess(env, port);
        const final = await connector.waitFor((x) => x.kind === 'edit' && x.activityId === formId && cardJson(x).includes('Customer deployed'), 20_000);
        expect(cardJson(final)).toContain(shortName);
        expect(sandbox.requests().filter((r) => r.route === 'createCustomer')).toHaveLength(1);
        if (killWhen === 'Creating') expect(cardJson(final)).toContain('adopted after an uncertain create');
      } finally {
        await bot.kill('SIGKILL');
        await connector.close();
        await backends.close();
      }
    },
    60_000,
  );
});
