// WebSocket upgrades for the routes registered beside this plugin, and for no other route.
//
// @fastify/websocket, registered at the root, hooks every route: an onRequest and an onResponse hook and a wrapper
// around each handler, so that an upgrade request to a plain route can be turned away. On the hottest answers we give
// (a refused order in a flash sale) that was several percent of the work. Registered inside the socket route's own
// context, its hooks stay there; upgrade requests reach it through a relay that passes on only those for `paths`, and
// every other upgrade request is answered 404 and closed here, before any route runs.
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface WebsocketUpgradesOptions {
  /** Full paths (prefix included) whose upgrade requests are let through, e.g. `/api/v1/ws`. */
  paths: string[];
  maxPayload: number;
}

const notFoundBody = 'No WebSocket endpoint at this address.';
const notFound = `HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(notFoundBody)}\r\n\r\n${notFoundBody}`;

export function pathOf(url: string | undefined): string {
  const path = url ?? '/';
  const query = path.indexOf('?');
  return query === -1 ? path : path.slice(0, query);
}

async function websocketUpgrades(app: FastifyInstance, opts: WebsocketUpgradesOptions) {
  const relay = new EventEmitter();
  const allowed = new Set(opts.paths);
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (allowed.has(pathOf(request.url))) {
      relay.emit('upgrade', request, socket, head);
      return;
    }
    socket.on('error', () => socket.destroy());
    socket.end(notFound);
  };
  app.server.on('upgrade', onUpgrade);
  app.addHook('onClose', async () => {
    app.server.removeListener('upgrade', onUpgrade);
  });
  // `server` is where @fastify/websocket listens for upgrades: the relay, not the HTTP server.
  await app.register(fastifyWebsocket, { options: { maxPayload: opts.maxPayload, server: relay as never } });
}

/**
 * Register inside an encapsulated context that holds the socket routes (the hooks then stay in it): it is wrapped with
 * fastify-plugin so that @fastify/websocket's decorations reach those routes.
 */
export const websocketUpgradesPlugin = fp(websocketUpgrades, { name: 'websocket-upgrades' });
