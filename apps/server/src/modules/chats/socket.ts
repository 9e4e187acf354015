// GET /ws?token=: the live channel. Authenticates by token, joins the socket to the caller's groups, replays a resume
// exactly once and in order, then goes live. Membership is re-read on every heartbeat so a household that moved out stops hearing.
import { ClientFrame, ErrorBody, WsQuery, wsCloseCodes, type RealtimeEvent } from '@linli/shared';
import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { WebSocket } from 'ws';
import { loadActor } from '../../authorization/actor';
import { AppError, unauthenticated } from '../../errors';
import { ChatConnection } from '../../realtime/hub';
import { memberBuildingIds, selectMessages } from './queries';

const replayPageSize = 200;
/** A client that sends no resume within this time gets live events without a replay. */
const resumeGraceMs = 2000;

export const chatSocketModule: FastifyPluginAsyncZod<{ membershipRefreshMs?: number }> = async (app, opts) => {
  const { hub } = app.realtime;

  async function membership(userId: string) {
    return memberBuildingIds(app.db, await loadActor(app.db, userId));
  }

  // Membership of open sockets is re-read once per period, one account at a time spread over the period (not one
  // timer per socket, and not a burst of queries every 30 s), so a household that moved out stops hearing.
  const refreshPeriodMs = opts.membershipRefreshMs ?? 30_000;
  const tickMs = Math.min(1000, refreshPeriodMs);
  let rotation: string[] = [];
  const refresher = setInterval(() => {
    if (rotation.length === 0) rotation = hub.userIds();
    const batch = rotation.splice(0, Math.ceil(rotation.length / Math.max(1, refreshPeriodMs / tickMs)));
    for (const userId of batch) {
      membership(userId)
        .then((ids) => {
          for (const c of [...hub.ofUser(userId)]) hub.setBuildings(c, ids);
        })
        .catch((err) => app.log.warn({ err }, 'membership refresh failed'));
    }
  }, tickMs);
  refresher.unref();
  app.addHook('onClose', async () => clearInterval(refresher));

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

  app.get('/ws', {
    websocket: true,
    schema: {
      tags: ['chats'],
      summary: 'WebSocket (upgrade) with ?token=<access token>: pushes message, recall, read and notice events; send {type:"resume", after:{groupId: seq}} first',
      querystring: WsQuery,
      response: { 401: ErrorBody, 426: ErrorBody },
    },
    // A plain HTTP GET is answered here, before @fastify/websocket's bare 404.
    preValidation: async (request) => {
      if (request.ws) return;
      const token = (request.query as { token?: string }).token;
      if (!token) throw unauthenticated('请先登录（缺少 token 参数）');
      app.verifyAccessToken(token);
      throw new AppError(426, 'UPGRADE_REQUIRED', '此地址只接受 WebSocket 连接');
    },
  }, async (socket: WebSocket, request) => {
    const token = (request.query as { token?: string }).token;
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
      await replay(connection, frame.after);
    };
    const enqueue = (raw: string) => {
      queue = queue.then(() => handle(raw)).catch((err) => {
        request.log.error({ err }, 'websocket frame failed');
        connection.goLive();
      });
    };
    socket.on('message', (data) => (ready ? enqueue(String(data)) : frames.push(String(data))));
    socket.on('pong', () => (connection.alive = true));
    socket.on('close', () => {
      clearTimeout(grace);
      hub.remove(connection);
    });
    const grace = setTimeout(() => connection.state === 'waiting' && connection.goLive(), resumeGraceMs);
    grace.unref();

    try {
      connection.buildingIds = new Set(await membership(userId));
    } catch (err) {
      request.log.error({ err }, 'websocket membership failed');
      socket.close(1011, 'INTERNAL_ERROR');
      return;
    }
    if (socket.readyState !== socket.OPEN) return;
    hub.add(connection);
    ready = true;
    for (const raw of frames.splice(0)) enqueue(raw);
  });
};
