import { PROTOCOL_VERSION, type AckStatus, type CommandAck } from '@loa-xa/protocol';
import type { CommandState } from '@loa-xa/persistence';
import { applyAckTo, type AckChanges } from './ack-transitions';

const at = new Date('2026-11-23T05:30:00Z');
const row = (status: CommandState, deliveredAt: Date | null = null): AckChanges => ({
  status,
  deliveredAt,
  completedAt: null,
  result: null,
  errorCode: null,
  errorMessage: null,
});
const ack = (status: AckStatus, extra: Partial<CommandAck> = {}): CommandAck => ({
  v: PROTOCOL_VERSION,
  ts: 0,
  id: '9b1f6a52-3c0e-4d8a-b7e1-2f4c6d8e0a13',
  status,
  ...extra,
});

describe('applyAckTo', () => {
  it('moves pending → delivered → started for a play_now', () => {
    const delivered = applyAckTo(row('pending'), ack('received'), at);
    expect(delivered).toMatchObject({ status: 'delivered', deliveredAt: at });
    const later = new Date(at.getTime() + 500);
    expect(applyAckTo(delivered!, ack('started'), later)).toMatchObject({
      status: 'started',
      deliveredAt: at,
      completedAt: later,
    });
  });

  it('takes a final status without `received`, filling deliveredAt', () => {
    expect(applyAckTo(row('pending'), ack('ok', { result: { volume: 60 } }), at)).toMatchObject({
      status: 'acked',
      deliveredAt: at,
      result: { volume: 60 },
    });
    expect(applyAckTo(row('pending'), ack('rejected', { code: 'busy' }), at)).toMatchObject({
      status: 'failed',
      errorCode: 'busy',
    });
    expect(applyAckTo(row('delivered', at), ack('expired'), at)).toMatchObject({
      status: 'expired',
      errorCode: 'expired',
    });
  });

  it.each<[CommandState, AckStatus]>([
    ['delivered', 'received'],
    ['started', 'received'],
    ['started', 'started'],
    ['started', 'ok'],
    ['acked', 'error'],
    ['failed', 'ok'],
    ['expired', 'started'],
  ])('changes nothing for a %s command on %s', (state, status) => {
    expect(applyAckTo(row(state, at), ack(status), at)).toBeNull();
  });
});
