export * from './types.js';
export * from './profile.js';
export { LocalDirectory, rowToUser } from './local.js';
