import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import {
  ACTION_GROUPS,
  ACTIONS,
  describeAction,
  formatValue,
  objectName,
  OBJECT_TYPES,
} from '../../../apps/console/src/pages/audit/audit-text';

/** Every literal action and object type the server writes into the audit log. */
function serverLiterals(pattern: RegExp): Set<string> {
  const files = execFileSync('git', ['ls-files', 'apps/server/src'], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
  const out = new Set<string>();
  for (const file of files) for (const m of readFileSync(file, 'utf8').matchAll(pattern)) out.add(m[1]);
  return out;
}

describe('audit entries in words', () => {
  it('has Vietnamese and English words for every action and object type the server records', () => {
    const actions = serverLiterals(/action: '([a-z_]+\.[a-z_.]+)'/g);
    actions.add('auth.login_refused').add('auth.logout').add('auth.refresh_replayed');
    expect(actions.size).toBeGreaterThan(40);
    expect([...actions].filter((a) => !ACTIONS[a])).toEqual([]);
    const types = serverLiterals(/objectType: '([a-z_]+)'/g);
    expect([...types].filter((t) => !OBJECT_TYPES[t])).toEqual([]);
    for (const words of [...Object.values(ACTIONS), ...Object.values(OBJECT_TYPES)]) {
      expect(words.vi).toBeTruthy();
      expect(words.en).toBeTruthy();
    }
  });

  it('offers a prefix for every action in the filter', () => {
    for (const action of Object.keys(ACTIONS)) expect(ACTION_GROUPS[action.split('.')[0]]).toBeDefined();
  });

  it('says an emergency broadcast, and falls back to the code for an unknown action', () => {
    expect(describeAction({ action: 'broadcast.play_now', detail: { priority: 'emergency' } }, 'vi')).toBe(
      'Phát khẩn cấp',
    );
    expect(describeAction({ action: 'broadcast.play_now', detail: { priority: 'commune' } }, 'vi')).toBe(
      'Phát ngay',
    );
    expect(describeAction({ action: 'user.create', detail: null }, 'en')).toBe('Created a user');
    expect(describeAction({ action: 'thing.frobnicate', detail: null }, 'vi')).toBeNull();
  });

  it('names the object from the entry itself, never by its id', () => {
    const entry = (
      changes: Record<string, { before: unknown; after: unknown }> | null,
      detail: Record<string, unknown> | null,
    ) => ({
      action: 'x.y',
      objectType: 'user',
      changes,
      detail,
    });
    expect(
      objectName(
        entry(
          { username: { before: null, after: 'opx' }, displayName: { before: null, after: 'Ô Pê' } },
          null,
        ),
      ),
    ).toBe('Ô Pê');
    expect(objectName(entry({ name: { before: 'Cũ', after: null } }, null))).toBe('Cũ');
    expect(objectName(entry(null, { title: 'Thông báo lịch cắt điện' }))).toBe('Thông báo lịch cắt điện');
    expect(objectName(entry({ active: { before: true, after: false } }, { session: 'abc' }))).toBeNull();
    expect(formatValue('[secret]')).toBe('••••••');
    expect(formatValue(null)).toBe('—');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });
});
