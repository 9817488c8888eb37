import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Config, UMP_KEYS_TEXT } from './config';
import { withDeadline } from './deadline';
import { createLogger, Logger, LoggerOptions } from './logger';
import { createCardUpdater } from './bot/card-updater';
import { FEATURES } from './bot/features';
import { buildRegistry, type RequestCard } from './bot/registry';
import { createTeamsEdge } from './bot/teams-adapter';
import { Clock, systemClock } from './clock';
import { createAccessPolicy } from './provisioning/access';
import { createTurnGate } from './bot/turn-gate';
import { progressCard } from './bot/progress';
import { createPeopleDirectory } from './bot/people';
import { noticeEvent, pendingNotices } from './bot/requester-notices';
import { createProvisioningService } from './provisioning/service';
import { createSecretBox } from './provisioning/secret-box';
import { DATA_DIR_WAIT_MS, openSqliteStore } from './provisioning/sqlite-store';
import { openPostgresStore } from './provisioning/postgres-store';
import { ProvisioningRequest } from './provisioning/request';
import { StoreUnavailableError } from './provisioning/store';
import { createTenantLookup } from './tenant';
import { createUmpClient } from './ump/client';
import { cachedCheck, ReadinessCheck, ReadinessError, RunningServer, startServer } from './server';
import { UmpAuthError, UmpHttpError, UmpNetworkError, UmpShapeError, UmpTimeoutError } from './ump/errors';

export interface StartOptions {
  /** Tests pass a stream to capture log lines. */
  logDestination?: LoggerOptions['destination'];
  logger?: Logger;
  /** Tests move time forward (limits that recover after a minute or an hour). */
  clock?: Clock;
}

export interface RunningBot {
  server: RunningServer;
  logger: Logger;
  stop(): Promise<void>;
}

/** The composition root: builds every dependency from typed config and starts the server. */
export async function startBot(config: Config, opts: StartOptions = {}): Promise<RunningBot> {
  // Every line names the instance (INSTANCE_ID): with several behind a load balancer, logs are read together.
  const logger = (opts.logger ?? createLogger({ level: config.log.level, pretty: config.log.pretty, destination: opts.logDestination })).child({
    instance: config.instance.id,
  });
  if (config.bot.anonymous) {
    logger.warn({ host: config.host }, 'dev mode without MICROSOFT_APP_ID: local anonymous mode (no Bot Framework auth), loopback only');
  }
  if (!config.access.allowedTenants) logger.warn('dev mode without ALLOWED_TENANTS: users of any Teams tenant may use the bot');
  const key = config.encryptionKey ?? (config.devMode ? devOnlyKey(config.dataDir, logger) : undefined);
  if (!key) throw new Error('ENCRYPTION_KEY is required outside dev mode');
  const secretBox = createSecretBox(key, config.previousEncryptionKeys);
  const store = config.database
    ? await openPostgresStore({ url: config.database.url, schema: config.database.schema, secretBox, instance: config.instance.id })
    : openSqliteStore({
        dataDir: config.dataDir,
        secretBox,
        onWaitForDataDir: () =>
          logger.warn({ dataDir: config.dataDir }, `another bot process holds DATA_DIR; waiting up to ${DATA_DIR_WAIT_MS / 1000} s for it to stop`),
      });
  logger.info({ store: config.database ? 'postgresql' : 'sqlite', ...(config.database?.schema ? { schema: config.database.schema } : {}) }, 'store opened');
  const ump = config.ump
    ? createUmpClient({ ...config.ump, requestTimeoutMs: config.umpTimeouts.requestMs, createTimeoutMs: config.umpTimeouts.createMs, logger })
    : undefined;
  if (!ump) {
    logger.warn(`Live Platform is not configured (${UMP_KEYS_TEXT}): the form opens but customers cannot be created; npm run dev starts a local sandbox`);
  }
  const tenants = createTenantLookup({ authority: config.tenant.authority, timeoutMs: config.tenant.timeoutMs, logger });
  const clock = opts.clock ?? systemClock;
  const access = createAccessPolicy({ ...config.access, allowSelfApproval: config.approval.allowSelfApproval });
  const people = createPeopleDirectory(access);
  const gate = createTurnGate({ access, commandsPerMinute: config.limits.commandsPerMinute, clock, logger, people });
  const edge = createTeamsEdge({ config, logger, gate });

  // The service tells the card updater about every change; the updater needs the service to
  // record a re-posted card. Late binding breaks the cycle.
  const cardsRef: { current?: ReturnType<typeof createCardUpdater> } = {};
  const service = createProvisioningService({
    store,
    ump,
    tenants,
    logger,
    listener: (r: ProvisioningRequest) => {
      cardsRef.current?.notify(r);
      for (const n of pendingNotices(r)) cardsRef.current?.tell(n);
    },
    onQueueMoved: (ids) => ids.forEach((id) => cardsRef.current?.refresh(id)),
    runner: { pollIntervalMs: config.umpTimeouts.pollIntervalMs, deployTimeoutMs: config.umpTimeouts.deployTimeoutMs },
    unverifiedTenantPolicy: config.tenant.unverifiedPolicy,
    access,
    limits: config.limits,
    approval: config.approval,
    instance: config.instance,
    clock,
  });
  const card: RequestCard = (r, view = {}) => progressCard(service, r, { ...view, refreshUserIds: people.approverUserIds(), portalUrl: config.umpPortalUrl });
  const cards = (cardsRef.current = createCardUpdater({
    messenger: edge.messenger,
    clock,
    logger,
    render: (r, target) => card(r, { target: target.kind === 'main' ? 'main' : 'approval' }),
    minIntervalMs: config.cardEditMinIntervalMs,
    onMoved: (id, target, activityId) =>
      target.kind === 'main' ? service.recordCardMoved(id, activityId) : service.recordLinkedCard(id, target.index, activityId),
    onTold: (notice) => service.markNotified(notice.requestId, noticeEvent(notice.key)),
  }));
  edge.route(buildRegistry(FEATURES, { service, logger, access, card, cardShown: (r, shown) => cards.shown(r, shown), portalUrl: config.umpPortalUrl }));

  const readiness: ReadinessCheck[] = [
    {
      name: 'store',
      check: () =>
        store.ping().catch((err) => {
          logger.warn({ err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'readiness: the store cannot write');
          throw new ReadinessError(err instanceof StoreUnavailableError ? 'unreachable' : 'not_writable');
        }),
    },
    {
      name: 'livePlatform',
      check: cachedCheck(
        async () => {
          if (!ump) throw new ReadinessError('not_configured');
          await ump.ping().catch((err) => {
            throw new ReadinessError(livePlatformReason(err));
          });
        },
        config.readinessCacheMs,
        () => clock.now().getTime(),
      ),
    },
  ];
  const server = await startServer({ logger, messages: edge.process, readiness }, config.port, config.host);
  await service.resumeUnfinished();

  return {
    server,
    logger,
    async stop() {
      await server.close();
      await service.stop();
      await withDeadline(cards.idle(), 3_000, () => undefined);
      cards.stop();
      await store.close();
      logger.info('stopped');
    },
  };
}

/**
 * Dev mode only: a key generated once and kept in DATA_DIR, so `npm run dev` needs no setup.
 * Production refuses to start without ENCRYPTION_KEY (config.ts) and never reaches this.
 */
function devOnlyKey(dataDir: string, logger: Logger): Buffer {
  const file = path.join(dataDir, 'dev-only-encryption.key');
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    logger.warn({ file }, 'dev mode: generated a dev-only encryption key (never use dev mode in production)');
  }
  return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
}

/** Why Live Platform is not ready, as a reason code for /readyz. */
function livePlatformReason(err: unknown): string {
  if (err instanceof UmpAuthError) return err.transient ? 'sign_in_unreachable' : 'sign_in_refused';
  if (err instanceof UmpTimeoutError) return 'timeout';
  if (err instanceof UmpNetworkError) return 'unreachable';
  if (err instanceof UmpShapeError) return 'unexpected_answer';
  if (err instanceof UmpHttpError) return `http_${err.status}`;
  return 'error';
}
