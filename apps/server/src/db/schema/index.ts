export * from './community';
export * from './identity';
