import axios from 'axios';
import { withSdkConsole } from '../../src/bot/teams-adapter';
import { personalMessage } from '../helpers/activities';
import { SIGNED_BOT_ENV, startTestBot } from '../helpers/bot-harness';
import { captureLog } from '../helpers/sandbox-support';

/**
 * botbuilder's CloudAdapter prints every failed request with console.error, stack trace included,
 * outside the structured log: an unsigned request to a bot with an app id is one. The bot answers the
 * same status with one warn line in its own log, and nothing on the console.
 */

type Line = { level: number; msg: string; status?: number; reason?: { message?: string }; sdk?: string };
const parse = (logs: string[]) => logs.map((l) => JSON.parse(l) as Line);

describe('failed requests are logged by the bot, not printed by botbuilder', () => {
  let consoleError: jest.SpyInstance;
  let consoleWarn: jest.SpyInstance;

  beforeEach(() => {
    consoleError = jest.spyOn(console, 'error');
    consoleWarn = jest.spyOn(console, 'warn');
  });
  afterEach(() => jest.restoreAllMocks());

  it('an unsigned request to a bot with an app id: 401, one warn line without a stack, nothing on console.error', async () => {
    const bot = await startTestBot(SIGNED_BOT_ENV);
    try {
      const unsigned = await bot.post(personalMessage('help', { serviceUrl: 'http://127.0.0.1:9/' }));
      expect(unsigned.status).toBe(401);
      // A token that is not even a JWT fails the same way.
      const garbage = await axios.post(bot.messagesUrl, personalMessage('help', { serviceUrl: 'http://127.0.0.1:9/' }), {
        headers: { Authorization: 'Bearer not-a-jwt' },
        validateStatus: () => true,
      });
      expect(garbage.status).toBe(401);

      expect(consoleError).not.toHaveBeenCalled();
      expect(consoleWarn).not.toHaveBeenCalled();
      const refused = parse(bot.logs).filter((l) => l.msg.includes('failed authentication'));
      expect(refused).toHaveLength(2);
      for (const line of refused) {
        expect(line).toMatchObject({ level: 40, status: 401 });
        expect(line.reason?.message).toMatch(/^Unauthorized/);
        expect(JSON.stringify(line)).not.toMatch(/stack|\bat .*\.js:\d+/);
      }
    } finally {
      await bot.stop();
    }
  });

  it('an activity without a type: 400 and a warn line, not botbuilder’s console.warn', async () => {
    const bot = await startTestBot();
    try {
      const res = await bot.post({ text: 'help', from: { id: 'u' }, conversation: { id: 'c' }, serviceUrl: 'http://127.0.0.1:9/' });
      expect(res.status).toBe(400);
      expect(consoleWarn).not.toHaveBeenCalled();
      expect(consoleError).not.toHaveBeenCalled();
      expect(parse(bot.logs)).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringContaining('without an activity type') }));
    } finally {
      await bot.stop();
    }
  });

  it('whatever the SDK prints while it works for the bot goes to the structured log at warn, one line, no stack', async () => {
    const log = captureLog('info');
    await withSdkConsole(log.logger, async () => {
      await Promise.resolve();
      console.error(new Error('The token has expired'));
      console.warn('BadRequest: Missing activity or activity type.');
    });
    expect(consoleError).not.toHaveBeenCalled();
    expect(consoleWarn).not.toHaveBeenCalled();
    expect((log.lines() as Line[]).map((l) => [l.level, l.sdk])).toEqual([
      [40, 'Error: The token has expired'],
      [40, 'BadRequest: Missing activity or activity type.'],
    ]);
    expect(log.text()).not.toMatch(/\n\s+at /);

    // Outside the bot's calls the console is the console.
    console.error('not from the SDK');
    expect(consoleError).toHaveBeenCalledWith('not from the SDK');
  });
});
