/** Codes a device puts in a command ack when it cannot carry the command out. */
export const COMMAND_ERROR_CODES = [
  'unsupported_command', // the firmware does not implement this command type
  'invalid_params', // parameters out of range for this hardware
  'expired', // received after its expiresAt (by the device clock corrected by clockOffset)
  'busy', // refused because a higher-priority action is under way
  'hardware_fault', // the hardware could not do it (amplifier fault, storage error)
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
