export * from './community';
export * from './identity';
export * from './passes';
export * from './reserves';
