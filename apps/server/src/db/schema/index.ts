export * from './community';
export * from './identity';
export * from './chats';
export * from './supplies';
export * from './checkins';
export * from './passes';
export * from './reserves';
export * from './tasks';
