export * from './community';
export * from './identity';
export * from './checkins';
