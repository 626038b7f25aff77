import { Init1763900000000 } from './1763900000000-init';
import { Access1764000000000 } from './1764000000000-access';
import { CredentialGrace1764000000001 } from './1764000000001-credential-grace';
import { Media1764100000000 } from './1764100000000-media';
import { Broadcasts1764100000001 } from './1764100000001-broadcasts';
import { PlayLogs1764100000002 } from './1764100000002-play-logs';
import { Live1764100000003 } from './1764100000003-live';
import { FleetHealth1764200000000 } from './1764200000000-fleet-health';
import { Notifications1764200000001 } from './1764200000001-notifications';

/** Every migration, oldest first. */
export const MIGRATIONS = [
  Init1763900000000,
  Access1764000000000,
  CredentialGrace1764000000001,
  Media1764100000000,
  Broadcasts1764100000001,
  PlayLogs1764100000002,
  Live1764100000003,
  FleetHealth1764200000000,
  Notifications1764200000001,
];
