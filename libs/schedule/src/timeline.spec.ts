import { resolveTimeline, type TimelineItem } from './timeline';

const item = (
  id: string,
  start: number,
  end: number,
  priority: TimelineItem['priority'],
  source: TimelineItem['source'] = 'schedule',
): TimelineItem => ({
  id,
  start,
  end,
  priority,
  source,
});

describe('resolveTimeline', () => {
  it('plays items one after another when they do not overlap', () => {
    const r = resolveTimeline([
      item('b', 20, 30, 'routine'),
      item('a', 0, 10, 'commune'),
      item('c', 30, 40, 'routine'),
    ]);
    expect(r).toEqual({
      segments: [
        { id: 'a', from: 0, to: 10 },
        { id: 'b', from: 20, to: 30 },
        { id: 'c', from: 30, to: 40 },
      ],
      interrupted: [],
      blocked: [],
    });
  });

  it('lets an emergency cut a commune programme, which does not resume', () => {
    const r = resolveTimeline([
      item('commune', 0, 100, 'commune'),
      item('storm', 40, 60, 'emergency', 'command'),
    ]);
    expect(r.segments).toEqual([
      { id: 'commune', from: 0, to: 40 },
      { id: 'storm', from: 40, to: 60 },
    ]);
    expect(r.interrupted).toEqual([{ id: 'commune', at: 40, by: 'storm' }]);
    expect(r.blocked).toEqual([]);
  });

  it('blocks a commune programme that starts under an emergency; it does not start late', () => {
    const r = resolveTimeline([item('storm', 0, 60, 'emergency'), item('commune', 30, 100, 'commune')]);
    expect(r.segments).toEqual([{ id: 'storm', from: 0, to: 60 }]);
    expect(r.blocked).toEqual([{ id: 'commune', by: 'storm' }]);
    expect(r.interrupted).toEqual([]);
  });

  it('blocks a scheduled item of equal priority, even when the current one ends soon after', () => {
    const r = resolveTimeline([item('first', 0, 50, 'district'), item('second', 49, 100, 'district')]);
    expect(r.segments).toEqual([{ id: 'first', from: 0, to: 50 }]);
    expect(r.blocked).toEqual([{ id: 'second', by: 'first' }]);
  });

  it('lets an equal-priority command or live stream take over a scheduled item', () => {
    const cmd = resolveTimeline([
      item('sched', 0, 100, 'commune'),
      item('cmd', 10, 20, 'commune', 'command'),
    ]);
    expect(cmd.segments).toEqual([
      { id: 'sched', from: 0, to: 10 },
      { id: 'cmd', from: 10, to: 20 },
    ]);
    expect(cmd.interrupted).toEqual([{ id: 'sched', at: 10, by: 'cmd' }]);
    const live = resolveTimeline([
      item('cmd', 0, 100, 'commune', 'command'),
      item('live', 10, 20, 'commune', 'live'),
    ]);
    expect(live.interrupted).toEqual([{ id: 'cmd', at: 10, by: 'live' }]);
  });

  it('lets nothing below emergency interrupt an emergency, and an emergency command replace an emergency', () => {
    const r = resolveTimeline([
      item('e1', 0, 100, 'emergency'),
      item('p', 10, 20, 'province', 'command'),
      item('e2', 30, 40, 'emergency', 'schedule'),
      item('e3', 50, 70, 'emergency', 'command'),
    ]);
    expect(r.blocked).toEqual([
      { id: 'p', by: 'e1' },
      { id: 'e2', by: 'e1' },
    ]);
    expect(r.interrupted).toEqual([{ id: 'e1', at: 50, by: 'e3' }]);
    expect(r.segments).toEqual([
      { id: 'e1', from: 0, to: 50 },
      { id: 'e3', from: 50, to: 70 },
    ]);
  });

  it('starts the higher priority first at the same instant, then the id', () => {
    const r = resolveTimeline([
      item('b', 0, 10, 'commune'),
      item('a', 0, 10, 'commune'),
      item('z', 0, 5, 'district'),
    ]);
    expect(r.segments).toEqual([{ id: 'z', from: 0, to: 5 }]);
    expect(r.blocked).toEqual([
      { id: 'a', by: 'z' },
      { id: 'b', by: 'z' },
    ]);
  });

  it('ends each item at its own end, leaving silence until the next start', () => {
    const r = resolveTimeline([
      item('low', 0, 100, 'routine'),
      item('high', 10, 20, 'province'),
      item('next', 30, 40, 'routine'),
      item('empty', 50, 50, 'emergency'),
    ]);
    expect(r.segments).toEqual([
      { id: 'low', from: 0, to: 10 },
      { id: 'high', from: 10, to: 20 },
      { id: 'next', from: 30, to: 40 },
    ]);
    expect(r.interrupted).toEqual([{ id: 'low', at: 10, by: 'high' }]);
    expect(r.blocked).toEqual([]);
  });

  it('chains several preemptions', () => {
    const r = resolveTimeline([
      item('r', 0, 100, 'routine'),
      item('c', 10, 100, 'commune'),
      item('d', 20, 30, 'district'),
      item('c2', 25, 35, 'commune'),
    ]);
    expect(r.segments).toEqual([
      { id: 'r', from: 0, to: 10 },
      { id: 'c', from: 10, to: 20 },
      { id: 'd', from: 20, to: 30 },
    ]);
    expect(r.interrupted).toEqual([
      { id: 'r', at: 10, by: 'c' },
      { id: 'c', at: 20, by: 'd' },
    ]);
    expect(r.blocked).toEqual([{ id: 'c2', by: 'd' }]);
  });
});
