/**
 * The benchmark's baseline: a bare bot on the very stack the product uses — restify with the same
 * body parser, teams-ai's TeamsAdapter (anonymous, as in dev mode) and Application — that answers
 * any card action invoke with one fixed card and any message with one fixed reply. Whatever the
 * product takes beyond this is ours.
 */
import restify from 'restify';
import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';

/** About the size of the product's progress card, so both answers carry similar bytes. */
const FIXED_CARD = {
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: Array.from({ length: 24 }, (_, i) => ({ type: 'TextBlock', text: `Fixed line ${i + 1} of the echo bot's card, about as long as a step`, wrap: true })),
};

export async function startEchoBot(port: number, host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  const adapter = new TeamsAdapter({});
  const app = new Application<TurnState>({ adapter, botAppId: '', startTypingTimer: false, removeRecipientMention: true, longRunningMessages: false });
  app.addRoute(
    async (ctx) => ctx.activity.type === 'invoke' && ctx.activity.name === 'adaptiveCard/action',
    async (ctx) => {
      await ctx.sendActivity({
        type: 'invokeResponse',
        value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: FIXED_CARD } },
      });
    },
    true,
  );
  app.message(/.*/, async (ctx) => {
    await ctx.sendActivity('Fixed reply from the echo bot.');
  });

  const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024, mapParams: false, rejectUnknown: true }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (ctx) => {
      await app.run(ctx);
    });
  });
  server.get('/healthz', async (_req, res) => res.send(200, { status: 'ok' }));
  server.get('/readyz', async (_req, res) => res.send(200, { status: 'ready' }));
  await new Promise<void>((resolve) => server.listen(port, host, () => resolve()));
  return {
    url: `http://${host}:${server.address().port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (require.main === module) {
  startEchoBot(Number(process.env.PORT ?? 3979)).then(
    (bot) => console.log(`echo bot listening on ${bot.url}`),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
