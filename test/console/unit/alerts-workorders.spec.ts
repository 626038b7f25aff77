import { WORK_ORDER_KINDS, WORK_ORDER_STATUSES, FUNDING_PROGRAMMES } from '@loa-xa/persistence';
import { STATUS_TRANSITIONS } from '../../../apps/server/src/workorders/work-order-rules';
import {
  allowedMoves,
  byStatus,
  fieldMessage,
  formatVnd,
  KIND_WORDS,
  parseVnd,
  PROGRAMME_WORDS,
  STATUS_WORDS,
  TRANSITIONS,
} from '../../../apps/console/src/pages/workorders/workorders-model';

/* The work-orders board's pure logic (kept with the alerts unit tests: the same helper owns both pages). */
describe('work-orders board model', () => {
  it('has words for every kind, state and funding programme, and the server transitions', () => {
    for (const k of WORK_ORDER_KINDS) expect(KIND_WORDS[k].vi).toBeTruthy();
    for (const s of WORK_ORDER_STATUSES) expect(STATUS_WORDS[s].vi).toBeTruthy();
    for (const p of FUNDING_PROGRAMMES) expect(PROGRAMME_WORDS[p].vi).toBeTruthy();
    expect(TRANSITIONS).toEqual(STATUS_TRANSITIONS);
  });

  it('offers approval only with workorders.approve, and nothing without workorders.write', () => {
    const technician = (p: string) => p === 'workorders.write';
    const admin = () => true;
    const viewer = () => false;
    expect(allowedMoves('proposed', technician)).toEqual(['cancelled']);
    expect(allowedMoves('proposed', admin)).toEqual(['approved', 'cancelled']);
    expect(allowedMoves('installing', technician)).toEqual(['commissioned', 'cancelled']);
    expect(allowedMoves('proposed', viewer)).toEqual([]);
    expect(allowedMoves('closed', admin)).toEqual([]);
  });

  it('groups orders into the columns', () => {
    const columns = byStatus([
      { id: 1, status: 'approved' },
      { id: 2, status: 'proposed' },
      { id: 3, status: 'approved' },
    ]);
    expect(columns.approved.map((o) => o.id)).toEqual([1, 3]);
    expect(columns.proposed).toHaveLength(1);
    expect(columns.cancelled).toEqual([]);
  });

  it('writes and reads amounts of đồng exactly', () => {
    expect(formatVnd('45000000', 'vi')).toBe('45.000.000 ₫');
    expect(formatVnd('45000000', 'en')).toBe('45,000,000 ₫');
    expect(formatVnd('123456789012345678', 'vi')).toBe('123.456.789.012.345.678 ₫');
    expect(formatVnd('0', 'vi')).toBe('0 ₫');
    expect(formatVnd(null, 'vi')).toBe('—');
    expect(parseVnd('45.000.000')).toBe('45000000');
    expect(parseVnd(' 45 000 000 đ ')).toBe('45000000');
    expect(parseVnd('45,000,000 VND')).toBe('45000000');
    expect(parseVnd('')).toBeNull();
    expect(parseVnd('bốn lăm triệu')).toBeUndefined();
    expect(parseVnd('-5')).toBeUndefined();
  });

  it("puts the server's field errors in words, keeping the message of an unknown rule", () => {
    expect(fieldMessage({ rule: 'notBeforeStart', message: 'plannedEnd is before' }, 'vi')).toBe(
      'Ngày kết thúc phải sau ngày bắt đầu.',
    );
    expect(fieldMessage({ rule: 'somethingNew', message: 'server says' }, 'vi')).toBe('server says');
    expect(fieldMessage(undefined, 'vi')).toBeUndefined();
  });
});
