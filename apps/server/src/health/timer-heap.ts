/** Due times of (cluster, rule) trackers, earliest first: a binary min-heap, stale entries skipped by the caller. */
export class TimerHeap {
  private readonly items: { at: number; clusterId: string; rule: string }[] = [];

  get size(): number {
    return this.items.length;
  }

  push(at: number, clusterId: string, rule: string): void {
    const items = this.items;
    items.push({ at, clusterId, rule });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent].at <= items[i].at) break;
      [items[parent], items[i]] = [items[i], items[parent]];
      i = parent;
    }
  }

  /** Removes and returns every entry due at or before `now`. */
  popDue(now: number): { at: number; clusterId: string; rule: string }[] {
    const out = [];
    while (this.items.length > 0 && this.items[0].at <= now) out.push(this.pop());
    return out;
  }

  private pop(): { at: number; clusterId: string; rule: string } {
    const items = this.items;
    const top = items[0];
    const last = items.pop() as (typeof items)[number];
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && items[l].at < items[m].at) m = l;
        if (r < items.length && items[r].at < items[m].at) m = r;
        if (m === i) break;
        [items[m], items[i]] = [items[i], items[m]];
        i = m;
      }
    }
    return top;
  }
}
