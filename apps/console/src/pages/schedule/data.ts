/** Loading what the schedule page shows: the commune's registry, the library, and one week of schedules. */
import { useRef } from 'preact/hooks';
import { api, ApiError, type Page } from '../../core/api';
import { config } from '../../core/config';
import { useAsync } from '../../core/hooks';
import { clashesByOccurrence, weekWindow } from './calendar';
import type {
  ClusterRow,
  MediaRow,
  OccurrenceView,
  ProgramRow,
  ScheduleView,
  UnitDetail,
  UnitRef,
  WeekSchedule,
} from './types';

/** Runs `work` over `items` with at most `limit` requests in flight. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  });
  await Promise.all(runners);
  return out;
}

export interface CommuneData {
  unit: UnitDetail;
  villages: UnitRef[];
  clusters: ClusterRow[];
}

export function useCommune(communeId: string | null) {
  return useAsync<CommuneData | null>(
    async (signal) => {
      if (!communeId) return null;
      const [unit, villages, clusters] = await Promise.all([
        api.get<UnitDetail>(`/units/${communeId}`, undefined, signal),
        api.get<Page<UnitRef>>(`/units/${communeId}/children`, { pageSize: 500, sort: 'code' }, signal),
        api.get<Page<ClusterRow>>('/clusters', { unitId: communeId, kind: 'ip', pageSize: 500 }, signal),
      ]);
      return {
        unit,
        villages: villages.items.filter((v) => v.level === 'village'),
        clusters: clusters.items,
      };
    },
    [communeId],
  );
}

export interface Library {
  media: MediaRow[];
  programs: ProgramRow[];
}

/** Audio files and programmes of my scope (and shared from above): what a schedule may play. */
export function useLibrary() {
  return useAsync<Library>(async (signal) => {
    const [media, programs] = await Promise.all([
      api.get<Page<MediaRow>>('/media', { pageSize: 500 }, signal),
      api.get<ProgramRow[]>('/programs', undefined, signal),
    ]);
    return { media: media.items, programs };
  }, []);
}

export interface WeekData {
  schedules: ScheduleView[];
  weeks: WeekSchedule[];
  loadedAt: number;
}

/** Clashes come from each schedule's detail view; they change only when some schedule does (or hours pass). */
const DETAILS_TTL_MS = 5 * 60_000;

/**
 * The commune's schedules, each with its occurrences of the week (readiness and plays) and its clashes
 * (the detail view computes them; the list does not). A refresh asks again for the list and the
 * occurrences; the details only when a schedule changed.
 */
export function useWeek(communeId: string | null, monday: string) {
  const details = useRef<{ signature: string; at: number; byId: Map<string, ScheduleView> } | null>(null);
  return useAsync<WeekData | null>(
    async (signal) => {
      if (!communeId) return null;
      const list = await api.get<Page<ScheduleView>>(
        '/schedules',
        { unitId: communeId, pageSize: 500 },
        signal,
      );
      const signature = `${communeId}|${list.items.map((s) => `${s.id}:${s.revision}`).join(',')}`;
      const cached = details.current;
      const reuse = cached && cached.signature === signature && Date.now() - cached.at < DETAILS_TTL_MS;
      const byId = reuse ? cached.byId : new Map<string, ScheduleView>();
      const window = weekWindow(monday, config.timeZone);
      const from = new Date(window.from).toISOString();
      const to = new Date(window.to).toISOString();
      const loaded = await pool(list.items, 6, async (s): Promise<WeekSchedule | null> => {
        try {
          const known = byId.get(s.id);
          const [detail, occurrences] = await Promise.all([
            known ??
              (s.enabled
                ? api.get<ScheduleView>(`/schedules/${s.id}`, undefined, signal)
                : Promise.resolve(s)),
            api.get<OccurrenceView[]>(`/schedules/${s.id}/occurrences`, { from, to }, signal),
          ]);
          byId.set(s.id, detail);
          return { schedule: detail, occurrences, clashes: clashesByOccurrence(detail.clashes) };
        } catch (err) {
          // Deleted by someone else since the list was read: leave it out.
          if (err instanceof ApiError && err.status === 404) return null;
          throw err;
        }
      });
      if (!reuse) details.current = { signature, at: Date.now(), byId };
      const weeks = loaded.filter((w): w is WeekSchedule => w !== null);
      return { schedules: weeks.map((w) => w.schedule), weeks, loadedAt: Date.now() };
    },
    [communeId, monday],
  );
}
