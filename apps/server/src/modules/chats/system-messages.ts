// `app.chats.postSystemMessage(buildingId, text)`: other features (deliveries, health alerts) announce in a building's group.
import type { ChatMessage } from '@linli/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { postSystemMessage } from './service';

declare module 'fastify' {
  interface FastifyInstance {
    chats: { postSystemMessage(buildingId: string, text: string): Promise<ChatMessage> };
  }
}

export const chatSystemMessagesPlugin = fp(async function chatSystemMessagesPlugin(app: FastifyInstance) {
  app.decorate('chats', { postSystemMessage: (buildingId: string, text: string) => postSystemMessage(app.db, app.realtime, buildingId, text) });
}, { dependencies: [] });
