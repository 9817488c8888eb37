import axios from 'axios';
import { actionExecuteInvoke, personalConversationId, personalMessage, type TestUser } from '../helpers/activities';
import { crashTestEnv, startBotProcess } from '../helpers/bot-process';
import { startFakeConnector } from '../helpers/fake-connector';
import { getFreePort } from '../helpers/ports';
import { cardJson, startBackends, validForm } from '../helpers/world';

/** kill -9 the bot while one request deploys and three wait: after the restart they start in the same order. */
describe('a restart with queued requests', () => {
  it('keeps every queued request in its place: same order, positions shown again, one create each', async () => {
    // The first deployment is slow (1 s a step) so the others are still queued when the bot dies.
    const backends = await startBackends({ mode: 'poll', stepMs: 1_000 });
    const { sandbox } = backends;
    const connector = await startFakeConnector();
    const env = crashTestEnv(backends.env, { MAX_CONCURRENT_DEPLOYMENTS: '1' });
    const port = await getFreePort();
    let bot = await startBotProcess(env, port);
    const names = ['AcmeR1', 'AcmeR2', 'AcmeR3', 'AcmeR4'];
    try {
      const forms: string[] = [];
      for (const [i, name] of names.entries()) {
        // Each in its own personal chat: the queue is global, not per conversation.
        const user: TestUser = { id: `29:1user-queue-${i}`, name: `Queue User ${i}`, aadObjectId: `aad-queue-${i}` };
        const before = connector.sent.length;
        await axios.post(`${bot.url}/api/messages`, personalMessage('new', { serviceUrl: connector.url, user }));
        const form = await connector.waitFor((x) => connector.sent.indexOf(x) >= before && x.kind !== 'edit' && !!x.body?.attachments, 10_000);
        forms.push(form.responseId!);
        const answer = await axios.post(
          `${bot.url}/api/messages`,
          actionExecuteInvoke('customer.create', validForm(name), { serviceUrl: connector.url, replyToId: form.responseId!, user }),
        );
        const shown = JSON.stringify(answer.data);
        if (i === 0) expect(shown).not.toContain('Queued');
        else expect(shown).toContain(`Queued — position ${i}`);
        expect(form.conversationId).toBe(personalConversationId(user));
      }
      await connector.waitFor((x) => x.kind === 'edit' && x.activityId === forms[0] && cardJson(x).includes('"Deploying: '), 10_000);
      await bot.kill('SIGKILL');
      const beforeRestart = connector.sent.length;
      expect(sandbox.deploymentOrder()).toEqual(['AcmeR1']);
      // Quick deployments from now on; the first one keeps its slow pace.
      sandbox.configure({ stepMs: 50 });

      bot = await startBotProcess(env, port);
      for (const id of forms) {
        await connector.waitFor((x) => x.kind === 'edit' && x.activityId === id && cardJson(x).includes('Customer deployed'), 30_000);
      }
      expect(sandbox.deploymentOrder()).toEqual(names);
      expect(sandbox.maxConcurrentDeployments()).toBe(1);
      expect(sandbox.requests().filter((r) => r.route === 'createCustomer')).toHaveLength(4);
      // After the restart the last in line showed its place again before it moved up.
      const after = connector.sent
        .slice(beforeRestart)
        .filter((x) => x.kind === 'edit' && x.activityId === forms[3])
        .map(cardJson);
      expect(after.find((c) => c.includes('Queued — position'))).toContain('Queued — position 3');
    } finally {
      await bot.kill('SIGKILL');
      await connector.close();
      await backends.close();
    }
  }, 60_000);
});
