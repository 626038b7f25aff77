import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, type Page } from '../../core/api';
import { config } from '../../core/config';
import { useAsync, useInterval } from '../../core/hooks';
import { formatDate, useLang, useT } from '../../core/i18n';
import { setQuery, useLocation } from '../../core/router';
import { useSession, type Me } from '../../core/session';
import { Button, ErrorNotice, Loading, PageHeader } from '../../ui/components';
import type { RouteParams } from '../../routes';
import {
  addDays,
  layoutWeek,
  localDateOf,
  localDateTimeOf,
  marksOf,
  readinessOf,
  resolveWeek,
  SOON_MS,
  toCalendarItems,
  weekDates,
  type Block,
} from './calendar';
import type { Names } from './block-info';
import { CommunePicker } from './CommunePicker';
import { useCommune, useLibrary, useWeek } from './data';
import { DayList } from './DayList';
import { Glyph } from './glyphs';
import { messages } from './messages';
import { OccurrenceDialog } from './OccurrenceDialog';
import { defaultStart } from './schedule-form';
import { ScheduleEditor } from './ScheduleEditor';
import { ScheduleList } from './ScheduleList';
import type { CalendarOccurrence, ScheduleView, WeekScheduleView } from './types';
import { WeekGrid } from './WeekGrid';
import './schedule.css';

/** Readiness and plays change by themselves: the week is asked again this often while the page is seen. */
const REFRESH_MS = 10_000;
const MIN_MINUTES = 45;

/** The same occurrence (or hour of a series) after a refresh: keys change when one is skipped. */
function sameBlock(a: Block<CalendarOccurrence>, b: Block<CalendarOccurrence>): boolean {
  const x = a.items[0];
  const y = b.items[0];
  return (
    a.day === b.day &&
    x.schedule.id === y.schedule.id &&
    Math.floor(a.startMin / 60) === Math.floor(b.startMin / 60) &&
    (a.items.length > 1 || b.items.length > 1 || x.occurrence.originalStart === y.occurrence.originalStart)
  );
}

/** The editor's view of a calendar schedule (only editable ones, which always come with their target). */
function editableView(s: WeekScheduleView): ScheduleView | null {
  return s.editable && s.target ? { ...s, target: s.target } : null;
}

function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const onChange = () => setMatches(list.matches);
    list.addEventListener('change', onChange);
    onChange();
    return () => list.removeEventListener('change', onChange);
  }, [query]);
  return matches;
}

/** The commune whose schedule is shown: the URL's, the operator's own, or a first one with clusters. */
function useCommuneId(param: string | null, me: Me): { id: string | null; loading: boolean; error?: Error } {
  const scope = me.scope;
  const fixed = scope && scope.level === 'commune' ? scope.unitId : null;
  const fallback = useAsync<string | null>(
    async (signal) => {
      if (param || fixed) return null;
      if (scope?.level === 'village')
        return (await api.get<{ parentId: string | null }>(`/units/${scope.unitId}`, undefined, signal))
          .parentId;
      const first = await api.get<Page<{ communeId: string }>>(
        '/clusters',
        { kind: 'ip', pageSize: 1 },
        signal,
      );
      return first.items[0]?.communeId ?? null;
    },
    [param, fixed],
  );
  const id = fixed ?? param ?? fallback.data ?? null;
  useEffect(() => {
    if (id && id !== param) setQuery({ unit: id });
  }, [id, param]);
  return { id, loading: !id && fallback.loading, error: fallback.error };
}

export function SchedulePage(_props: { params: RouteParams }) {
  const t = useT(messages);
  const lang = useLang();
  const { me, can } = useSession();
  const loc = useLocation();
  const phone = useMediaQuery('(max-width: 760px)');
  const [now, setNow] = useState(() => Date.now());
  const monday = resolveWeek(loc.query.get('week'), now, config.timeZone);
  const commune = useCommuneId(loc.query.get('unit'), me);
  const communeData = useCommune(commune.id);
  const library = useLibrary();
  const week = useWeek(commune.id, monday);
  const canWrite = can('schedules.write');
  const aboveCommune = !me.scope || me.scope.level === 'province' || me.scope.level === 'district';

  const [openBlock, setOpenBlock] = useState<Block<CalendarOccurrence> | null>(null);
  const [editing, setEditing] = useState<{ schedule: ScheduleView | null } | null>(null);
  const today = localDateOf(now, config.timeZone);
  const dates = weekDates(monday);
  const [day, setDay] = useState(() => Math.max(0, dates.indexOf(today)));
  useEffect(
    () => setDay(Math.max(0, weekDates(monday).indexOf(localDateOf(Date.now(), config.timeZone)))),
    [monday],
  );

  const weekEnd = Date.parse(`${addDays(monday, 7)}T00:00:00Z`);
  useInterval(
    () => {
      setNow(Date.now());
      if (!editing) week.reload();
    },
    weekEnd > now - 86_400_000 ? REFRESH_MS : null,
  );

  const names: Names = useMemo(
    () => ({
      media: new Map((library.data?.media ?? []).map((m) => [m.id, m.title])),
      programs: new Map((library.data?.programs ?? []).map((p) => [p.id, p.name])),
    }),
    [library.data],
  );
  const blocks = useMemo(
    () =>
      week.data
        ? layoutWeek(toCalendarItems(week.data.weeks), monday, config.timeZone, {
            minMinutes: MIN_MINUTES,
            groupPerHour: true,
          })
        : [],
    [week.data, monday],
  );
  // The open dialog follows the refreshed data (readiness counts change while it is open).
  const shownBlock = openBlock ? (blocks.find((b) => sameBlock(b, openBlock)) ?? openBlock) : null;

  const summary = useMemo(() => {
    const items = week.data ? toCalendarItems(week.data.weeks) : [];
    const active = items.filter((i) => i.schedule.enabled && i.occurrence.status !== 'skipped');
    const upcoming = active.filter((i) => i.start > now && i.start - now <= SOON_MS);
    return {
      total: active.length,
      conflicts: active.filter((i) => marksOf(i.clashes).conflict).length,
      preempted: active.filter((i) => marksOf(i.clashes).preempted).length,
      notReady: upcoming.filter((i) => readinessOf(i.occurrence, now).kind !== 'ready').length,
      upcoming: upcoming.length,
    };
  }, [week.data, now]);

  const goWeek = (next: string | null) => setQuery({ week: next });
  const refresh = () => {
    setNow(Date.now());
    week.reload();
  };
  const openEditor = (schedule: WeekScheduleView | null) => {
    const view = schedule ? editableView(schedule) : null;
    if (schedule && !view) return;
    setOpenBlock(null);
    setEditing({ schedule: view });
  };
  const unitName = communeData.data?.unit.name ?? me.scope?.name ?? '';
  const nowLocal = localDateTimeOf(now, config.timeZone);
  const chosenDate = phone ? dates[day] : monday > today ? monday : undefined;

  return (
    <>
      <PageHeader
        title={t('title')}
        subtitle={unitName ? t('subtitleOf', { name: unitName }) : undefined}
        actions={
          canWrite && communeData.data ? (
            <Button variant="primary" onClick={() => openEditor(null)}>
              <Glyph name="plus" size={16} /> {t('newSchedule')}
            </Button>
          ) : null
        }
      />
      {aboveCommune ? (
        <CommunePicker
          value={commune.id}
          current={communeData.data?.unit ?? null}
          onChange={(id) => setQuery({ unit: id || null })}
        />
      ) : null}
      {commune.error ? <ErrorNotice error={commune.error} /> : null}
      {!commune.id ? (
        commune.loading ? (
          <Loading />
        ) : (
          <p class="notice notice-info">{t('communeChoose')}</p>
        )
      ) : (
        <>
          <nav class="sched-weeknav" aria-label={t('weekNav')}>
            <Button variant="ghost" aria-label={t('prevWeek')} onClick={() => goWeek(addDays(monday, -7))}>
              <Glyph name="prev" size={16} />
              <span class="sched-hide-phone">{t('prevWeek')}</span>
            </Button>
            <Button variant={dates.includes(today) ? 'ghost' : 'secondary'} onClick={() => goWeek(null)}>
              {t('thisWeek')}
            </Button>
            <Button variant="ghost" aria-label={t('nextWeek')} onClick={() => goWeek(addDays(monday, 7))}>
              <span class="sched-hide-phone">{t('nextWeek')}</span>
              <Glyph name="next" size={16} />
            </Button>
            <h2 class="sched-weektitle">
              {t('weekOf', { from: formatDate(monday, lang), to: formatDate(dates[6], lang) })}
            </h2>
            {week.loading && week.data ? (
              <span class="muted sched-updating" aria-hidden="true">
                <span class="spinner" /> {t('updating')}
              </span>
            ) : null}
          </nav>
          {week.error ? <ErrorNotice error={week.error} onRetry={refresh} /> : null}
          {communeData.error ? <ErrorNotice error={communeData.error} onRetry={communeData.reload} /> : null}
          {!week.data ? (
            week.loading ? (
              <Loading />
            ) : null
          ) : (
            <>
              <p class="sched-summary" role="status">
                <span>{t('summary', { n: summary.total })}</span>
                {summary.conflicts ? (
                  <span class="sched-mark sched-mark-conflict">
                    <Glyph name="conflict" size={12} /> {t('summaryConflicts', { n: summary.conflicts })}
                  </span>
                ) : null}
                {summary.preempted ? (
                  <span class="sched-mark sched-mark-preempted">
                    <Glyph name="preempted" size={12} /> {t('summaryPreempted', { n: summary.preempted })}
                  </span>
                ) : null}
                {summary.upcoming ? (
                  summary.notReady ? (
                    <span class="sched-ready sched-ready-warn">
                      <Glyph name="pending" size={12} /> {t('summaryNotReady', { n: summary.notReady })}
                    </span>
                  ) : (
                    <span class="sched-ready sched-ready-ok">
                      <Glyph name="ready" size={12} /> {t('summaryAllReady')}
                    </span>
                  )
                ) : null}
              </p>
              <button
                type="button"
                class="sched-skip"
                onClick={() => document.getElementById('sched-list-title')?.focus()}
              >
                {t('skipCalendar')}
              </button>
              {phone ? (
                <DayList
                  monday={monday}
                  day={day}
                  onDay={setDay}
                  blocks={blocks}
                  names={names}
                  now={now}
                  onOpen={setOpenBlock}
                />
              ) : (
                <WeekGrid monday={monday} blocks={blocks} names={names} now={now} onOpen={setOpenBlock} />
              )}
              <ScheduleList
                schedules={week.data.schedules}
                commune={communeData.data ?? null}
                names={names}
                canWrite={canWrite}
                onEdit={openEditor}
                onChanged={refresh}
              />
            </>
          )}
        </>
      )}
      <OccurrenceDialog
        block={shownBlock}
        commune={communeData.data ?? null}
        names={names}
        now={now}
        canEdit={Boolean(shownBlock && canWrite && shownBlock.items[0].schedule.editable)}
        onClose={() => setOpenBlock(null)}
        onEdit={(o) => openEditor(o.schedule)}
        onChanged={refresh}
      />
      {communeData.data ? (
        <ScheduleEditor
          open={editing !== null}
          schedule={editing?.schedule ?? null}
          defaults={defaultStart(nowLocal, chosenDate)}
          commune={communeData.data}
          library={library.data}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            refresh();
          }}
        />
      ) : null}
    </>
  );
}
