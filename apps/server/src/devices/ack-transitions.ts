import type { CommandAck } from '@loa-xa/protocol';
import type { CommandState, DeviceCommand } from '@loa-xa/persistence';

/** The columns an ack may change. */
export type AckChanges = Pick<
  DeviceCommand,
  'status' | 'deliveredAt' | 'completedAt' | 'result' | 'errorCode' | 'errorMessage'
>;

const OPEN: readonly CommandState[] = ['pending', 'delivered'];

/**
 * The state a command moves to on an ack, or null when the ack changes nothing (a duplicate, a late
 * `received` after the final status, anything after a final state). Pure: the caller writes it.
 */
export function applyAckTo(row: AckChanges, ack: CommandAck, receivedAt: Date): AckChanges | null {
  const open = OPEN.includes(row.status);
  switch (ack.status) {
    case 'received':
      return row.status === 'pending' ? { ...row, status: 'delivered', deliveredAt: receivedAt } : null;
    case 'started':
      // play_now is on air: final for the rollout (play logs tell how it ended).
      return open
        ? { ...row, status: 'started', deliveredAt: row.deliveredAt ?? receivedAt, completedAt: receivedAt }
        : null;
    case 'ok':
      return open
        ? {
            ...row,
            status: 'acked',
            deliveredAt: row.deliveredAt ?? receivedAt,
            completedAt: receivedAt,
            result: (ack.result as Record<string, unknown> | undefined) ?? null,
          }
        : null;
    case 'error':
    case 'rejected':
    case 'expired':
      return open
        ? {
            ...row,
            status: ack.status === 'expired' ? 'expired' : 'failed',
            deliveredAt: row.deliveredAt ?? receivedAt,
            completedAt: receivedAt,
            errorCode: ack.code ?? ack.status,
            errorMessage: ack.message ?? null,
          }
        : null;
  }
  return null;
}
