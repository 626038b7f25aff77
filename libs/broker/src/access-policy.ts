import { mayDevicePublish, mayDeviceSubscribe } from '@loa-xa/protocol';

/** Who a connected MQTT client is, decided once at CONNECT. */
export type BrokerPrincipal = { kind: 'device'; clusterId: string } | { kind: 'service'; name: string };

/** Topic rights of a principal: devices only their own contract topics, services everything but $SYS writes. */
export function mayPublish(principal: BrokerPrincipal, topic: string): boolean {
  if (principal.kind === 'service') return !topic.startsWith('$SYS');
  return mayDevicePublish(principal.clusterId, topic);
}

export function maySubscribe(principal: BrokerPrincipal, filter: string): boolean {
  if (principal.kind === 'service') return true;
  return mayDeviceSubscribe(principal.clusterId, filter);
}
