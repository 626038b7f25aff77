export * from './version';
export * from './topics';
export * from './errors';
export * from './schemas';
export * from './validate';
export * from './playout';
