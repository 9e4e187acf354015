// Supplies: the catalog, group buys, orders and medicine requests, one plugin each, sharing the sold-out gate.
import type { FastifyPluginAsync } from 'fastify';
import { groupBuysModule } from './group-buys';
import { fileSystemPhotoStore, type PhotoStore } from './medicine-requests/photo-store';
import { medicineRequestsModule } from './medicine-requests';
import { ordersModule } from './orders';
import { productsModule } from './products';
import { PublishedItems } from './orders/published-items';
import { readSoldOutItem } from './orders/queries';
import { SoldOutGate } from './sold-out-gate';

export interface SuppliesOptions {
  /** Where medicine photos are kept: a PhotoStore, or a directory for the file-system one. */
  photos: PhotoStore | string;
}

export const suppliesModule: FastifyPluginAsync<SuppliesOptions> = async (app, options) => {
  const gate = new SoldOutGate(2000, Date.now, (itemId) => readSoldOutItem(app.db, itemId));
  const published = new PublishedItems();
  const photos = typeof options.photos === 'string' ? fileSystemPhotoStore(options.photos) : options.photos;
  await app.register(productsModule);
  await app.register(groupBuysModule(gate, published));
  await app.register(ordersModule(gate, published));
  await app.register(medicineRequestsModule(photos));
};
