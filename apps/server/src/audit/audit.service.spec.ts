import { diff } from './audit.service';

describe('audit diff', () => {
  it('keeps only the fields that changed, with both values', () => {
    const before = { name: 'Cụm 1', lifecycle: 'active', notes: null as string | null, n: 1 };
    const after = { name: 'Cụm 1', lifecycle: 'faulty', notes: 'loa rè', n: 1 };
    expect(diff(before, after, ['name', 'lifecycle', 'notes', 'n'])).toEqual({
      lifecycle: { before: 'active', after: 'faulty' },
      notes: { before: null, after: 'loa rè' },
    });
  });

  it('records creation and deletion against null', () => {
    expect(diff(null, { code: 'A' }, ['code'])).toEqual({ code: { before: null, after: 'A' } });
    expect(diff({ code: 'A' }, null, ['code'])).toEqual({ code: { before: 'A', after: null } });
  });

  it('compares dates by instant and never writes a secret', () => {
    const t = new Date('2026-01-01T00:00:00Z');
    expect(diff({ at: t }, { at: new Date(t.getTime()) }, ['at'])).toEqual({});
    expect(diff({ passwordHash: 'x' }, { passwordHash: 'y' }, ['passwordHash'])).toEqual({
      passwordHash: { before: '[secret]', after: '[secret]' },
    });
  });
});
