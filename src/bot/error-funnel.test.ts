import { Writable } from 'node:stream';
import { createLogger } from '../logger';
import { UmpHttpError } from '../ump/errors';
import { testAddress } from '../../test/helpers/fixtures';
import { createErrorFunnel } from './error-funnel';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', pretty: false, destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
  return { lines, logger };
}

/** A turn that records how it was answered (narrow unit test: the funnel's decisions only). */
function fakeTurn(opts: { invoke?: boolean; answered?: boolean } = {}) {
  const answers: { status: number; message: string }[] = [];
  return {
    answers,
    turn: {
      activityId: 'act-1',
      address: testAddress({ conversationId: 'c1' }),
      actor: { id: 'u1', name: 'Megan' },
      invoke: !!opts.invoke,
      invokeAnswered: () => !!opts.answered,
      answerWithError: async (status: 400 | 500, message: string) => void answers.push({ status, message }),
    },
  };
}

describe('the error funnel', () => {
  it('answers once with a short message and a correlation id that is also in the log, never a stack trace', async () => {
    const { lines, logger } = capture();
    const { turn, answers } = fakeTurn();
    await createErrorFunnel(logger)(turn, new Error('boom at line 42'));
    expect(answers).toHaveLength(1);
    const text = answers[0].message;
    const ref = /reference: ([0-9a-f]{8})/.exec(text)?.[1];
    expect(ref).toBeDefined();
    expect(answers[0].status).toBe(500);
    expect(text).not.toContain('boom');
    expect(text).not.toMatch(/at .*\.ts/);
    const logged = lines.join('');
    expect(logged).toContain(`"ref":"${ref}"`);
    expect(logged).toContain('"activityId":"act-1"');
  });

  it('passes on the user message of a known error, which says what to do', async () => {
    const err = new UmpHttpError('GET', '/api/v3/customer', 503);
    const { turn, answers } = fakeTurn();
    await createErrorFunnel(capture().logger)(turn, err);
    const text = answers[0].message;
    expect(text).toBe(`${err.userMessage} (ref ${/ref ([0-9a-f]{8})/.exec(text)?.[1]})`);
    expect(text).toMatch(/^Live Platform is busy or unavailable \(HTTP 503\)\. Try again in a few minutes.* \(ref [0-9a-f]{8}\)$/);
    expect(answers[0].status).toBe(400);
  });

  it('answers a failed invoke once, and not at all when it was already answered', async () => {
    const fresh = fakeTurn({ invoke: true });
    await createErrorFunnel(capture().logger)(fresh.turn, new Error('x'));
    expect(fresh.answers).toHaveLength(1);
    const answered = fakeTurn({ invoke: true, answered: true });
    await createErrorFunnel(capture().logger)(answered.turn, new Error('x'));
    expect(answered.answers).toHaveLength(0);
  });
});

describe('the logger', () => {
  it('redacts secrets by key, up to four levels deep', () => {
    const { lines, logger } = capture();
    logger.info(
      { client_secret: 's1', cfg: { headers: { Authorization: 'Bearer t' } }, body: { scriptParameters: { CarrierUserPassword: 'p1' } }, access_token: 't2' },
      'x',
    );
    const out = lines.join('');
    for (const secret of ['s1', 'Bearer t', 'p1', 't2']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });
});
