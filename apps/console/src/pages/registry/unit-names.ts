import { useEffect, useState } from 'preact/hooks';
import { api } from '../../core/api';

/** Names of units by id, fetched once per page load (groups and overrides carry only the id). */
const cache = new Map<string, Promise<string | null>>();

function nameOf(id: string): Promise<string | null> {
  let hit = cache.get(id);
  if (!hit) {
    hit = api.get<{ name: string }>(`/units/${id}`).then(
      (u) => u.name,
      () => null,
    );
    cache.set(id, hit);
  }
  return hit;
}

export function useUnitNames(ids: readonly string[]): Record<string, string> {
  const [names, setNames] = useState<Record<string, string>>({});
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    let live = true;
    for (const id of new Set(ids)) {
      if (names[id]) continue;
      void nameOf(id).then((name) => {
        if (live && name) setNames((n) => ({ ...n, [id]: name }));
      });
    }
    return () => {
      live = false;
    };
  }, [key]);
  return names;
}
