/** Loading what the schedule page shows: the commune's registry, the library, and one week of its calendar. */
import { api, type Page } from '../../core/api';
import { config } from '../../core/config';
import { useAsync } from '../../core/hooks';
import { weekWindow, weeksOf } from './calendar';
import type {
  CalendarResponse,
  ClusterRow,
  MediaRow,
  ProgramRow,
  UnitDetail,
  UnitRef,
  WeekSchedule,
  WeekScheduleView,
} from './types';

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
  /** Every schedule sounding in the commune this week (also those owned above it), with its clashes. */
  schedules: WeekScheduleView[];
  weeks: WeekSchedule[];
  loadedAt: number;
}

/**
 * The commune's week in one request: every occurrence of every schedule reaching its clusters (the
 * district's and province's included), with readiness, plays, clashes and preemption on its clusters.
 */
export function useWeek(communeId: string | null, monday: string) {
  return useAsync<WeekData | null>(
    async (signal) => {
      if (!communeId) return null;
      const window = weekWindow(monday, config.timeZone);
      const answer = await api.get<CalendarResponse>(
        '/schedules/calendar',
        {
          unitId: communeId,
          from: new Date(window.from).toISOString(),
          to: new Date(window.to).toISOString(),
        },
        signal,
      );
      const weeks: WeekSchedule[] = weeksOf(answer.schedules, answer.occurrences);
      return { schedules: weeks.map((w) => w.schedule), weeks, loadedAt: Date.now() };
    },
    [communeId, monday],
  );
}
