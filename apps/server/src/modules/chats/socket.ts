// GET /ws?token=: the live channel. Authenticates by token, joins the socket to the caller's groups, replays a resume
// exactly once and in order, then goes live. Membership of open sockets is re-read every period, so a household that
// moved out stops hearing.
import { ClientFrame, ErrorBody, WsQuery, wsCloseCodes, type RealtimeEvent } from '@linli/shared';
import { sql } from 'drizzle-orm';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { WebSocket } from 'ws';
import { loadActor } from '../../authorization/actor';
import { AppError, unauthenticated } from '../../errors';
import { ChatConnection } from '../../realtime/hub';
import { visitOncePerPeriod } from '../../realtime/rotation';
import { memberBuildingIds, memberBuildingIdsOfUsers, selectMessages } from './queries';

const replayPageSize = 200;
/** A client that sends no resume within this time gets live events without a replay. */
const resumeGraceMs = 2000;

export const chatSocketModule: FastifyPluginAsyncZod<{ membershipRefreshMs?: number }> = async (app, opts) => {
  const { hub } = app.realtime;

  async function membership(userId: string) {
    return memberBuildingIds(app.db, await loadActor(app.db, userId));
  }

  // Membership of open sockets is re-read once per period: one query per tick for a slice of the connected accounts
  // (not one timer or one query per socket, and not a burst every 30 s), so a household that moved out stops hearing.
  const stopRefresher = visitOncePerPeriod(() => hub.users(), opts.membershipRefreshMs ?? 30_000, 500, (userIds) => {
    memberBuildingIdsOfUsers(app.db, userIds)
      .then((byUser) => {
        for (const [userId, ids] of byUser) for (const c of [...hub.ofUser(userId)]) hub.setBuildings(c, ids);
      })
      .catch((err: unknown) => app.log.warn({ err }, 'membership refresh failed'));
  });
  app.addHook('onClose', async () => stopRefresher());

  async function replay(connection: ChatConnection, after: Record<string, number>) {
    connection.beginReplay();
    const lastSeq: Record<string, number> = {};
    try {
      for (const [groupId, from] of Object.entries(after)) {
        if (!connection.buildingIds.has(groupId)) continue;
        let cursor = from;
        for (;;) {
          const page = await selectMessages(app.db, sql`m.group_id = ${groupId} AND m.seq > ${cursor}`, 'asc', replayPageSize);
          for (const message of page) {
            connection.sendOwn(JSON.stringify({ type: 'message', message } satisfies RealtimeEvent));
            connection.markReplayed(groupId, message.seq);
            cursor = message.seq;
          }
          if (page.length < replayPageSize) break;
        }
        lastSeq[groupId] = cursor;
      }
      connection.sendOwn(JSON.stringify({ type: 'resumed', lastSeq } satisfies RealtimeEvent));
    } finally {
      connection.goLive();
    }
  }

  async function openChatSocket(socket: WebSocket, request: FastifyRequest) {
    const token = (request.query as { token?: string }).token;
    const log = request.log;
    releaseUpgradeRequest(socket, request, log);
    let userId: string;
    try {
      if (!token) throw unauthenticated();
      userId = app.verifyAccessToken(token);
    } catch (err) {
      socket.close(wsCloseCodes.unauthenticated, (err as AppError).code === 'TOKEN_EXPIRED' ? 'TOKEN_EXPIRED' : 'UNAUTHENTICATED');
      return;
    }
    const connection = new ChatConnection(socket, userId, app.realtime.limits);
    // Listen before the first await, so no frame the client sends right after opening is lost.
    const frames: string[] = [];
    let ready = false;
    let queue = Promise.resolve();
    let grace: NodeJS.Timeout | undefined = setTimeout(() => {
      grace = undefined;
      if (connection.state === 'waiting') connection.goLive();
    }, resumeGraceMs);
    grace.unref();
    const handle = async (raw: string) => {
      let frame: ClientFrame;
      try {
        frame = ClientFrame.parse(JSON.parse(raw));
      } catch {
        connection.sendOwn(JSON.stringify({ type: 'error', code: 'BAD_FRAME', message: '无法识别的消息' } satisfies RealtimeEvent));
        return;
      }
      connection.alive = true;
      if (frame.type === 'ping') return connection.sendOwn(JSON.stringify({ type: 'pong' } satisfies RealtimeEvent));
      clearTimeout(grace);
      grace = undefined;
      await replay(connection, frame.after);
    };
    const enqueue = (raw: string) => {
      queue = queue.then(() => handle(raw)).catch((err) => {
        log.error({ err }, 'websocket frame failed');
        connection.goLive();
      });
    };
    socket.on('message', (data) => (ready ? enqueue(String(data)) : frames.push(String(data))));
    socket.on('pong', () => (connection.alive = true));
    socket.on('close', () => {
      clearTimeout(grace);
      hub.remove(connection);
    });
    // Registered before the first await: a message posted while the groups are read is held, not missed.
    hub.addJoining(connection);

    try {
      hub.join(connection, await membership(userId));
    } catch (err) {
      log.error({ err }, 'websocket membership failed');
      hub.remove(connection);
      socket.close(1011, 'INTERNAL_ERROR');
      return;
    }
    if (socket.readyState !== socket.OPEN) return;
    ready = true;
    for (const raw of frames.splice(0)) enqueue(raw);
  }

  // `wsHandler` (not `websocket: true`, which hides the route from the OpenAPI document): upgrades go to the socket,
  // a plain HTTP GET to the handler below.
  app.route({
    method: 'GET',
    url: '/ws',
    schema: {
      tags: ['chats'],
      summary: 'Live events (WebSocket upgrade, ?token=<access token>)',
      description: wsDescription,
      querystring: WsQuery,
      response: { 400: ErrorBody, 401: ErrorBody, 426: ErrorBody },
    },
    wsHandler: openChatSocket,
    handler: async (request) => {
      const token = request.query.token;
      if (!token) throw unauthenticated('请先登录（缺少 token 参数）');
      app.verifyAccessToken(token);
      throw new AppError(426, 'UPGRADE_REQUIRED', '此地址只接受 WebSocket 连接');
    },
  });
};

/**
 * Once upgraded, nothing needs the HTTP request any more: detach the placeholder response @fastify/websocket attached
 * to the TCP socket and replace its error listener (which holds the request and reply), so neither lives as long as the socket.
 */
function releaseUpgradeRequest(socket: WebSocket, request: FastifyRequest, log: FastifyBaseLogger) {
  const tcp = request.raw.socket as Socket & { _httpMessage?: ServerResponse | null };
  const placeholder = tcp._httpMessage;
  if (placeholder && placeholder.socket === tcp) placeholder.detachSocket(tcp);
  socket.removeAllListeners('error');
  socket.on('error', (err) => log.warn({ err }, 'websocket error'));
}

const wsDescription = [
  'Upgrade to a WebSocket with `?token=<access token>`. A missing, forged or expired token closes the socket with',
  '4001 (`UNAUTHENTICATED` / `TOKEN_EXPIRED`); a plain HTTP GET answers 401 or 426.',
  '',
  'Client frames: `{"type":"resume","after":{"<groupId>":<seq>}}` first (replays what was missed, exactly once and in',
  'order, then `{"type":"resumed","lastSeq":{…}}` and live events; without it the socket goes live after 2 s);',
  '`{"type":"ping"}` → `{"type":"pong"}`.',
  '',
  'Server events (JSON text frames, `RealtimeEvent` in @linli/shared): `message` (a chat message of one of your',
  'groups), `recall`, `read` (your own read mark from another device), `notice`, `notice.ack`, `resumed`, `pong`,',
  '`error`, and staff events such as `reserve.low_stock`. Only events for your own groups and account are pushed.',
  'The server pings every 30 s and drops a socket that missed a pong; a socket with more than 1 MiB unsent is closed',
  '4008 `SLOW_CONSUMER` (resume after reconnecting).',
].join('\n');
