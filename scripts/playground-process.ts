/**
 * Starting and stopping Microsoft 365 Agents Playground (the local Teams client): shared by
 * `npm run dev` and the end-to-end tests, so both start it the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const CLI = require.resolve('@microsoft/m365agentsplayground/cli.js');

export interface PlaygroundProcess {
  child: ChildProcess;
  /** The last 20 kB it printed. */
  output(): string;
  /** Signals its whole process group (it spawns children). Safe when already gone. */
  killGroup(signal: NodeJS.Signals): void;
}

export function spawnPlayground(opts: { botEndpoint: string; port: number; logFile: string; cwd: string }): PlaygroundProcess {
  const env: NodeJS.ProcessEnv = {};
  // Stray Playground settings in the caller's environment would override ours (port, config path...).
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(M365_AGENTS_PLAYGROUND_|TEAMSAPPTESTER_)/.test(key)) env[key] = value;
  }
  env.TEAMSAPPTESTER_BROWSER = 'none';
  // Without a log file it writes ./devTools/ into its working directory.
  env.M365_AGENTS_PLAYGROUND_LOGFILE = opts.logFile;
  const args = [CLI, 'start', '-e', opts.botEndpoint, '-c', 'msteams', '-p', String(opts.port), '--disable-telemetry'];
  // detached: its own process group, so one signal stops everything it spawns.
  const child = spawn(process.execPath, args, { cwd: opts.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const append = (chunk: Buffer): void => {
    text = (text + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return {
    child,
    output: () => text,
    killGroup(signal) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    },
  };
}

/**
 * Resolves with the port it really listens on. It silently takes another port when the asked one
 * is busy, so callers compare the two.
 */
export function waitForListening(p: PlaygroundProcess, timeoutMs: number): Promise<number> {
  const { child } = p;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`the Playground printed no "Listening on" within ${timeoutMs} ms`)), timeoutMs);
    const onData = (): void => {
      // It writes this line to stdout itself when stdout is not a TTY, whatever its log settings.
      const match = /Listening on (\d+)/.exec(p.output());
      if (match) finish(Number(match[1]));
    };
    const onExit = (code: number | null, signal: string | null): void => finish(new Error(`the Playground exited early (code ${code}, signal ${signal})`));
    const finish = (result: number | Error): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (typeof result === 'number') resolve(result);
      else reject(result);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}
