import { SharedTicker, TimerBag } from './scheduler';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SharedTicker', () => {
  it('runs callbacks once, in due order, and skips cancelled ones', async () => {
    const ticker = new SharedTicker(0);
    const ran: string[] = [];
    ticker.after(60, () => ran.push('c'));
    ticker.after(20, () => ran.push('a'));
    const cancel = ticker.after(40, () => ran.push('cancelled'));
    ticker.after(40, () => ran.push('b'));
    cancel();
    cancel(); // harmless twice
    await sleep(150);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(ticker.size).toBe(0);
    ticker.close();
  });

  it('does not starve the event loop when a callback re-schedules itself with delay 0', async () => {
    const ticker = new SharedTicker(10);
    let runs = 0;
    const again = () => {
      runs++;
      if (runs < 1000) ticker.after(0, again);
    };
    ticker.after(0, again);
    await sleep(20); // only reachable if the loop yields between runs
    expect(runs).toBeGreaterThan(0);
    expect(runs).toBeLessThan(1000);
    ticker.close();
  });

  it('drops everything on close', async () => {
    const ticker = new SharedTicker();
    const ran: number[] = [];
    ticker.after(10, () => ran.push(1));
    ticker.close();
    ticker.after(10, () => ran.push(2));
    await sleep(50);
    expect(ran).toEqual([]);
  });

  it('keeps working after compacting many cancelled entries', async () => {
    const ticker = new SharedTicker(0);
    const cancels = Array.from({ length: 3000 }, () => ticker.after(1000, () => undefined));
    const ran: number[] = [];
    ticker.after(30, () => ran.push(1));
    for (const cancel of cancels) cancel();
    expect(ticker.size).toBe(1);
    await sleep(80);
    expect(ran).toEqual([1]);
    ticker.close();
  });
});

describe('TimerBag', () => {
  it('replaces keyed timers and clears everything at once', async () => {
    const ticker = new SharedTicker(0);
    const bag = new TimerBag(ticker);
    const ran: string[] = [];
    bag.set('t', 20, () => ran.push('first'));
    bag.set('t', 30, () => ran.push('second')); // replaces the first
    bag.once(10, () => ran.push('once'));
    await sleep(80);
    expect(ran).toEqual(['once', 'second']);
    expect(bag.has('t')).toBe(false);

    bag.set('t', 20, () => ran.push('never'));
    bag.once(20, () => ran.push('never'));
    bag.clearAll();
    await sleep(60);
    expect(ran).toEqual(['once', 'second']);
    ticker.close();
  });
});
