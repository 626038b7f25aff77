import fc from 'fast-check';
import {
  newTracker,
  observe,
  restoredTracker,
  resolvedByHand,
  tick,
  forceResolve,
  type DampingParams,
} from './tracker';
import { defaultRules } from './settings';

const PP: DampingParams = {
  raiseAfterS: 60,
  clearAfterS: 30,
  flapCount: 4,
  flapWindowS: 600,
  flapClearS: 300,
};
const P = PP;
const S = 1000;

describe('alert tracker', () => {
  it('raises only after the condition held for raiseAfterS, dated from when it began', () => {
    const t = newTracker(0);
    let r = observe(t, true, 10 * S, 10 * S, P);
    expect(r.actions).toEqual([]);
    expect(r.dueAt).toBe(70 * S);
    expect(tick(t, 69 * S, P).actions).toEqual([]);
    r = tick(t, 70 * S, P);
    expect(r.actions).toEqual([{ type: 'raise', since: 10 * S, flapping: false }]);
    expect(tick(t, 200 * S, P).actions).toEqual([]);
  });

  it('keeps a blip shorter than raiseAfterS out', () => {
    const t = newTracker(0);
    observe(t, true, 0, 0, P);
    const r = observe(t, false, 20 * S, 20 * S, P);
    expect(r).toEqual({ actions: [], dueAt: null });
    expect(tick(t, 500 * S, P).actions).toEqual([]);
  });

  it('resolves after the condition stayed clear for clearAfterS, not before', () => {
    const P = { ...PP, flapCount: 10 };
    const t = newTracker(0);
    observe(t, true, 0, 0, { ...P, raiseAfterS: 0 });
    let r = observe(t, false, 100 * S, 100 * S, P);
    expect(r.dueAt).toBe(130 * S);
    r = observe(t, true, 110 * S, 110 * S, P); // back before the clear time: stays open
    expect(r.actions).toEqual([]);
    observe(t, false, 120 * S, 120 * S, P);
    expect(tick(t, 149 * S, P).actions).toEqual([]);
    expect(tick(t, 150 * S, P).actions).toEqual([{ type: 'resolve', clearedAt: 120 * S }]);
  });

  it('turns a condition that comes and goes into one flapping alert that waits for flapClearS', () => {
    const t = newTracker(0);
    const actions = [];
    for (let i = 0; i < 10; i++) actions.push(...observe(t, i % 2 === 0, i * 10 * S, i * 10 * S, P).actions);
    expect(actions.filter((a) => a.type === 'raise')).toEqual([{ type: 'raise', since: 0, flapping: true }]);
    expect(actions.some((a) => a.type === 'resolve')).toBe(false);
    // Last change (i = 9) cleared it at 90 s: flapping alerts wait flapClearS (300 s).
    expect(tick(t, 389 * S, P).actions).toEqual([]);
    expect(tick(t, 390 * S, P).actions).toEqual([{ type: 'resolve', clearedAt: 90 * S }]);
  });

  it('with the default rules, a manifest published and acknowledged on every schedule edit raises nothing', () => {
    const params = defaultRules().manifest_unacked.params as unknown as DampingParams;
    const t = newTracker(0);
    // Ten edits 3 s apart, each acknowledged a second later: ten short unacknowledged spells.
    for (let i = 0; i < 10; i++) {
      expect(observe(t, true, i * 3 * S, i * 3 * S, params).actions).toEqual([]);
      expect(observe(t, false, (i * 3 + 1) * S, (i * 3 + 1) * S, params).actions).toEqual([]);
    }
    expect(tick(t, 3600 * S, params).actions).toEqual([]);
  });

  it('with flapCount 0 a condition coming and going never counts as flapping', () => {
    const t = newTracker(0);
    const actions = [];
    for (let i = 0; i < 20; i++)
      actions.push(...observe(t, i % 2 === 0, i * 10 * S, i * 10 * S, { ...P, flapCount: 0 }).actions);
    expect(actions).toEqual([]);
  });

  it('a fault that returns alert after alert, each longer than the hold time, ends up as one flapping alert', () => {
    const t = newTracker(0);
    const actions = [];
    // Offline 90 s every 200 s: each episode would open an alert and resolve it 30 s after it ends.
    for (let cycle = 0; cycle < 6; cycle++) {
      const on = cycle * 200 * S;
      actions.push(...observe(t, true, on, on, P).actions);
      actions.push(...tick(t, on + 61 * S, P).actions);
      actions.push(...observe(t, false, on + 90 * S, on + 90 * S, P).actions);
      actions.push(...tick(t, on + 125 * S, P).actions);
    }
    const kinds = actions.map((a) => (a.type === 'raise' ? `raise${a.flapping ? ':flapping' : ''}` : a.type));
    // The second alert turns flapping and then stays open through the next episodes: no more pairs.
    expect(kinds).toEqual(['raise', 'resolve', 'raise', 'flapping']);
    expect(tick(t, 1100 * S + 300 * S, P).actions).toEqual([{ type: 'resolve', clearedAt: 1090 * S }]);
  });

  it('marks an open alert flapping when it starts coming and going', () => {
    const t = newTracker(0);
    observe(t, true, 0, 0, { ...P, raiseAfterS: 0 });
    const actions = [];
    for (let i = 1; i <= 4; i++) actions.push(...observe(t, i % 2 === 0, i * 5 * S, i * 5 * S, P).actions);
    expect(actions).toEqual([{ type: 'flapping' }]);
  });

  it('after a manual resolve, waits for the condition to clear before raising again', () => {
    const t = newTracker(0);
    observe(t, true, 0, 0, { ...P, raiseAfterS: 0 });
    resolvedByHand(t);
    expect(tick(t, 1000 * S, P).actions).toEqual([]);
    expect(observe(t, true, 1001 * S, 1001 * S, P).actions).toEqual([]);
    observe(t, false, 1002 * S, 1002 * S, P);
    observe(t, true, 1003 * S, 1003 * S, P);
    expect(tick(t, 1063 * S, P).actions).toEqual([{ type: 'raise', since: 1003 * S, flapping: false }]);
  });

  it('an alert restored from storage resolves once the condition is seen clear long enough', () => {
    const t = restoredTracker(5 * S, false, 100 * S);
    expect(observe(t, true, 100 * S, 100 * S, P).actions).toEqual([]);
    observe(t, false, 110 * S, 110 * S, P);
    expect(tick(t, 140 * S, P).actions).toEqual([{ type: 'resolve', clearedAt: 110 * S }]);
  });

  it('force-resolves an open alert at once and does nothing to a quiet one', () => {
    const t = newTracker(0);
    expect(forceResolve(t, 5).actions).toEqual([]);
    observe(t, true, 0, 0, { ...P, raiseAfterS: 0 });
    expect(forceResolve(t, 7).actions).toEqual([{ type: 'resolve', clearedAt: 7 }]);
  });

  it('never opens two alerts without a resolve between them, whatever the sequence (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ active: fc.boolean(), gapS: fc.integer({ min: 0, max: 400 }) }), {
          maxLength: 200,
        }),
        (steps) => {
          const t = newTracker(0);
          let now = 0;
          let open = false;
          let raises = 0;
          const apply = (actions: { type: string }[]) => {
            for (const a of actions) {
              if (a.type === 'raise') {
                expect(open).toBe(false);
                open = true;
                raises++;
              } else if (a.type === 'resolve') {
                expect(open).toBe(true);
                open = false;
              } else expect(open).toBe(true);
            }
          };
          for (const step of steps) {
            now += step.gapS * S;
            apply(tick(t, now, P).actions);
            apply(observe(t, step.active, now, now, P).actions);
          }
          // Once everything is clear and time passes, nothing stays open.
          apply(observe(t, false, now, now, P).actions);
          apply(tick(t, now + 10_000 * S, P).actions);
          expect(open).toBe(false);
          // Alerts never outnumber the condition's rises.
          expect(raises).toBeLessThanOrEqual(steps.filter((s) => s.active).length);
        },
      ),
      { numRuns: 500 },
    );
  });
});
