import { Init1763900000000 } from './1763900000000-init';

/** Every migration, oldest first. */
export const MIGRATIONS = [Init1763900000000];
