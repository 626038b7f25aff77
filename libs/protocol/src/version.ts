/** Version of the device contract. Carried as `v` in every payload and as the second topic level. */
export const PROTOCOL_VERSION = 1 as const;

/** Every topic of this contract starts with this prefix. */
export const TOPIC_ROOT = `loa/v${PROTOCOL_VERSION}` as const;

/** Largest MQTT packet the broker accepts (bytes). Device payloads are small JSON documents. */
export const MAX_PACKET_BYTES = 64 * 1024;

/** MQTT protocol level the contract is written for (3.1.1 = 4). */
export const MQTT_PROTOCOL_LEVEL = 4 as const;
