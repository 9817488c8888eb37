import { startTestBot, TestBot } from './bot-harness';
import { Playground, startPlayground } from './playground';
import { Backends, startBackends } from './world';

/** The Playground's users have fixed Entra ids (docs/playground-driving.md). */
export const PLAYGROUND_USERS = {
  alex: '00000000-0000-0000-0000-0000000000020',
  megan: '00000000-0000-0000-0000-0000000000021',
} as const;

export interface PlaygroundWorld {
  backends: Backends;
  bot: TestBot;
  pg: Playground;
}

/**
 * Registers the suite's beforeAll/afterAll: the sandbox (polling, `stepMs` per step) and the login
 * stand-in, the real bot on them with `env` on top, and Microsoft's Playground in front of it. The
 * returned object is filled in once beforeAll has run.
 */
export function usePlaygroundWorld(stepMs: number, env: Record<string, string>): PlaygroundWorld {
  const world = {} as PlaygroundWorld;
  beforeAll(async () => {
    world.backends = await startBackends({ mode: 'poll', stepMs });
    world.bot = await startTestBot({ ...world.backends.env, ...env });
    world.pg = await startPlayground({ botEndpoint: world.bot.messagesUrl });
  }, 60_000);
  afterAll(async () => {
    await world.pg?.stop();
    await world.bot?.stop();
    await world.backends?.close();
  });
  return world;
}
