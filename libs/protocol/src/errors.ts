/** Codes a device puts in a command ack when it cannot carry the command out. */
export const COMMAND_ERROR_CODES = [
  'unsupported_command', // the firmware does not implement this command type
  'invalid_params', // parameters out of range for this hardware
  'expired', // received after its expiresAt (by the device clock corrected by clockOffset)
  'busy', // refused because a higher-priority action is under way
  'hardware_fault', // the hardware could not do it (amplifier fault, storage error)
  'media_unavailable', // play_now: a file could not be downloaded or failed its sha256 check
  'stream_unavailable', // play_now: the live stream could not be opened
  'internal', // anything else; put details in `message`
] as const;
export type CommandErrorCode = (typeof COMMAND_ERROR_CODES)[number];

/**
 * Why the server dropped an incoming device message. Counted in `/metrics` as
 * `loa_mqtt_messages_rejected_total{reason}`.
 */
export const DROP_REASONS = [
  'invalid_json', // payload is not JSON
  'schema', // JSON that fails the channel's schema
  'version', // `v` is a protocol version the server does not speak
  'topic', // published on a topic the client does not own, or not a contract topic
  'oversize', // packet larger than MAX_PACKET_BYTES
  'unknown_cluster', // topic names a cluster the registry does not know
  'unknown_command', // ack for a command id the server never sent to this cluster
  'overload', // the server's write queue was full (database too slow); the message was not stored
  'rate_limited', // the device published faster than its limit (MQTT_RATE_PER_S, MQTT_BURST); acknowledged, not delivered
  'unknown_occurrence', // a play report names an occurrence, command or stream the server never sent to this cluster
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Fault codes a device raises and clears through events. */
export const FAULT_CODES = [
  'amp_fault', // amplifier reports a failure or over-current
  'line_open', // speaker line open circuit (cut cable, missing horn)
  'line_short', // speaker line short circuit
  'mains_lost', // running on battery
  'battery_low', // battery below the firmware's threshold
  'overheat', // enclosure temperature above the firmware's threshold
  'storage_low', // not enough room for the manifest's media
  'clock_unsynced', // clock source lost (no NTP / NITZ)
] as const;
export type FaultCode = (typeof FAULT_CODES)[number];

/** Why a playback did not start, or stopped before its end (play report `reason`). */
export const PLAY_FAILURE_REASONS = [
  'preempted', // a higher-priority item, command or live stream took the speakers
  'stopped', // a `stop` command
  'media_missing', // the file was not downloaded in time
  'checksum_mismatch', // the downloaded file did not match its sha256
  'decode_error', // the file or stream could not be decoded
  'stream_lost', // a live stream ended without the server closing it
  'hardware_fault', // amplifier or speaker line fault
  'power', // the cluster lost power or rebooted during playback
  'expired', // a manifest or command arrived after the item's end
  'other', // anything else; put details in `detail`
] as const;
export type PlayFailureReason = (typeof PLAY_FAILURE_REASONS)[number];
