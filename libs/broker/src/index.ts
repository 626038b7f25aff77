export * from './access-policy';
export * from './broker';
export { limitPacketSize } from './packet-limit';
export { TokenBucket, type RateLimit } from './rate-limiter';
