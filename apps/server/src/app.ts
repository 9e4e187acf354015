// buildApp(config): the whole service as a Fastify instance: cross-cutting plugins first, then one plugin per feature.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import fastifyCompress from '@fastify/compress';
import { ErrorBody } from '@linli/shared';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { devWechatLogin, realWechatLogin, type WechatLogin } from './adapters/wechat/login';
import type { AppConfig } from './config';
import { openDatabase, type DatabaseHandle } from './db/client';
import { expectedMigrationCount, findMigrationsFolder, findRepoRoot } from './db/migrations';
import { isDatabaseEmpty, seedDemoCommunity } from './db/seed-demo';
import { auditModule } from './modules/audit';
import { authModule } from './modules/auth';
import { bindingsModule } from './modules/bindings';
import { communityModule } from './modules/community';
import { gridsModule } from './modules/grids';
import { healthModule } from './modules/health';
import { householdImportModule } from './modules/household-import';
import { chatsModule } from './modules/chats';
import { diskImageStore, type ImageStore } from './modules/chats/image-store';
import { chatSocketModule } from './modules/chats/socket';
import { chatSystemMessagesPlugin } from './modules/chats/system-messages';
import { noticesModule } from './modules/notices';
import { devSubscribeSender, realSubscribeSender, type WechatSubscribeSender } from './adapters/wechat/subscribe';
import { realtimePlugin, type RealtimeOptions } from './plugins/realtime';
import { suppliesModule } from './modules/supplies';
import { alertsModule } from './modules/alerts';
import { type FollowUpNotifier } from './modules/alerts/notifier';
import { realtimeFollowUpNotifier } from './modules/alerts/realtime-notifier';
import { staffRecipients } from './realtime/staff-recipients';
import { careModule } from './modules/care';
import { checkinsModule } from './modules/checkins';
import type { FollowUpOptions } from './modules/checkins/follow-up-options';
import { dashboardModule } from './modules/dashboard';
import { helpRequestsModule } from './modules/help-requests';
import { testingRoundsModule } from './modules/testing-rounds';
import { scheduleHealthRetention } from './jobs/health-retention';
import { schedulePassNoncePurge } from './jobs/pass-nonce-purge';
import { passesModule } from './modules/passes';
import { passTokenKey } from './modules/passes/token';
import { reservesModule } from './modules/reserves';
import { volunteersModule } from './modules/volunteers';
import { tasksModule } from './modules/tasks';
import { volunteerThanksModule } from './modules/volunteer-thanks';
import { scheduleClaimExpiry } from './jobs/task-claim-expiry';
import { authenticationPlugin } from './plugins/authentication';
import { databasePlugin } from './plugins/database';
import { answerFrameworkError, errorsPlugin } from './plugins/errors';
import { h5Plugin } from './plugins/h5';
import { openapiPlugin } from './plugins/openapi';
import { securityPlugin } from './plugins/security';
import { websocketUpgradesPlugin } from './plugins/websocket-upgrades';
import { redisPlugin } from './plugins/redis';

export interface BuildAppOptions {
  /** An already-open database (tests); otherwise the one the config names is opened, migrated and closed with the app. */
  database?: DatabaseHandle;
  /** Replaces the WeChat log-in adapter the config would choose. */
  wechatLogin?: WechatLogin | null;
  logger?: boolean | Record<string, unknown>;
  /** Realtime tuning (tests): heartbeat interval, slow-consumer threshold. */
  realtime?: Omit<RealtimeOptions, 'redisUrl'>;
  imageStore?: ImageStore;
  /** How often open sockets' group membership is re-read (default 30 s). */
  membershipRefreshMs?: number;
  subscribeSender?: WechatSubscribeSender;
  /** "Now" for check-in days, cut-offs and follow-up times (tests stand at 23:59 Asia/Shanghai with it). */
  now?: () => Date;
  /** Where alert, help-request and testing-round events go; the default logs them. */
  followUpNotifier?: FollowUpNotifier;
}

function chooseWechatLogin(config: AppConfig): WechatLogin | null {
  if (config.wechat) return realWechatLogin(config.wechat);
  return config.devLogin ? devWechatLogin() : null;
}

function loggerOptions(config: AppConfig, override: BuildAppOptions['logger']) {
  if (override !== undefined) return override;
  const pretty = config.env !== 'production' && process.stdout.isTTY;
  return {
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.body.refreshToken', 'req.body.code'],
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  };
}

export async function buildApp(config: AppConfig, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config, options.logger),
    bodyLimit: 1024 * 1024,
    genReqId: (req) => (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].length <= 64 ? req.headers['x-request-id'] : randomUUID()),
    requestIdHeader: false,
    return503OnClosing: true,
    frameworkErrors: answerFrameworkError,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // Every error answer is built by the one error handler in exactly this shape: no need to check it against the
  // schema again on its way out (every other answer is, and loses any field its schema does not name).
  app.setSerializerCompiler((route) => (route.schema === ErrorBody ? (data: unknown) => JSON.stringify(data) : serializerCompiler(route as Parameters<typeof serializerCompiler>[0])));

  await app.register(errorsPlugin);
  await app.register(redisPlugin, { url: config.redisUrl, prefix: config.redisKeyPrefix });
  await app.register(securityPlugin);
  // No client of ours compresses a request body: no route takes one (one hook fewer on every request; a gzip body is a
  // 400 like any body that is not JSON).
  app.addHook('onRoute', (route) => {
    route.decompress ??= false;
  });
  // Cheap phones on congested networks: the h5 scripts shrink from ~450 KB to ~140 KB, lists by a similar factor.
  await app.register(fastifyCompress, { threshold: 1024 });

  const migrationsFolder = findMigrationsFolder(config.migrationsDir);
  const ownsDatabase = !options.database;
  const handle = options.database ?? (await openDatabase(config.database, app.log));
  try {
    if (ownsDatabase) await handle.migrate(migrationsFolder);
    const seed = config.seedDemo === true || (config.seedDemo === 'if-empty-embedded' && handle.kind === 'pglite');
    if (seed && (await isDatabaseEmpty(handle.db))) {
      await seedDemoCommunity(handle.db);
      app.log.info('seeded the demo community 阳光社区');
    }
  } catch (err) {
    if (ownsDatabase) await handle.close().catch(() => undefined);
    throw err;
  }
  await app.register(databasePlugin, { handle, closeOnShutdown: ownsDatabase });
  await app.register(authenticationPlugin, { secret: config.jwtSecret });
  await app.register(openapiPlugin);
  await app.register(realtimePlugin, { redisUrl: config.redisUrl, channel: `${config.redisKeyPrefix}realtime`, ...options.realtime });
  await app.register(chatSystemMessagesPlugin);

  await app.register(healthModule, { expectedMigrations: expectedMigrationCount(migrationsFolder) });
  await app.register(async (api) => {
    await api.register(authModule, {
      devLogin: config.devLogin,
      wechat: options.wechatLogin !== undefined ? options.wechatLogin : chooseWechatLogin(config),
      rateLimit: config.rateLimit,
    });
    await api.register(communityModule);
    await api.register(gridsModule);
    await api.register(bindingsModule);
    await api.register(householdImportModule);
    await api.register(auditModule);
    await api.register(chatsModule, {
      imageStore: options.imageStore ?? diskImageStore(join(config.dataDir, 'uploads')),
      sendLimit: { max: config.chat.sendLimitPerMinute, windowMs: 60_000 },
    });
    // Its own context: only the socket route takes upgrades (and carries @fastify/websocket's hooks).
    await api.register(async (sockets) => {
      await sockets.register(websocketUpgradesPlugin, { paths: [`${sockets.prefix}/ws`], maxPayload: 64 * 1024 });
      await sockets.register(chatSocketModule, { membershipRefreshMs: options.membershipRefreshMs });
    });
    const subscribeSender = options.subscribeSender ?? (config.wechat && config.wechatNoticeTemplateId
      ? realSubscribeSender({ ...config.wechat, templateId: config.wechatNoticeTemplateId })
      : devSubscribeSender(app.log));
    await api.register(noticesModule, { subscribeSender });
    await api.register(suppliesModule, { photos: join(config.dataDir, 'uploads', 'medicine') });
    const followUp: FollowUpOptions = {
      now: options.now ?? (() => new Date()),
      checkinCutoff: config.checkinCutoff,
      notifier: options.followUpNotifier ?? realtimeFollowUpNotifier(app),
    };
    await api.register(checkinsModule, followUp);
    await api.register(alertsModule, followUp);
    await api.register(helpRequestsModule, followUp);
    await api.register(careModule, followUp);
    await api.register(testingRoundsModule, followUp);
    await api.register(dashboardModule, followUp);
    await api.register(passesModule, { tokenKey: passTokenKey(config.passTokenSecret ?? config.jwtSecret, !config.passTokenSecret) });
    await api.register(reservesModule, {
      onLowStock: (item) => {
        staffRecipients(app.db, item.communityId)
          .then((userIds) => app.realtime.publishToUsers(userIds, {
            type: 'reserve.low_stock', itemId: item.id, name: item.name, unit: item.unit, stock: item.stock, lowStockThreshold: item.lowStockThreshold,
          }))
          .catch((err: unknown) => app.log.error({ err, itemId: item.id }, 'could not push the low-stock event; staff see it on 物资储备'));
      },
    });
    await api.register(volunteersModule, { subscribeSender, now: options.now });
    await api.register(tasksModule, { claimTimeoutMinutes: config.taskClaimTimeoutMinutes, photos: join(config.dataDir, 'uploads', 'door-photos') });
    await api.register(volunteerThanksModule, { now: options.now });
  }, { prefix: '/api/v1' });
  scheduleClaimExpiry(app);
  scheduleHealthRetention(app, { retentionDays: config.healthRetentionDays, now: options.now ?? (() => new Date()) });
  schedulePassNoncePurge(app, options.now ?? (() => new Date()));

  await app.register(h5Plugin, { root: config.h5Dir ?? join(findRepoRoot(), 'apps/miniprogram/dist/h5') });
  return app;
}
