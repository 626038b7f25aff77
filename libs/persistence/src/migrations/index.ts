import { Init1763900000000 } from './1763900000000-init';
import { Access1764000000000 } from './1764000000000-access';
import { CredentialGrace1764000000001 } from './1764000000001-credential-grace';
import { Broadcasts1764100000001 } from './1764100000001-broadcasts';

/** Every migration, oldest first. */
export const MIGRATIONS = [
  Init1763900000000,
  Access1764000000000,
  CredentialGrace1764000000001,
  Broadcasts1764100000001,
];
