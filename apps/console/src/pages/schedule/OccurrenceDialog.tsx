import { useState } from 'preact/hooks';
import { api } from '../../core/api';
import { formatNumber, formatTime, useLang, useT, type Translate } from '../../core/i18n';
import { common } from '../../core/messages';
import { Button, Modal, toast, toastError } from '../../ui/components';
import { marksOf, readinessOf, weekdayOf, type Block } from './calendar';
import { blockInfo, Marks, ReadinessTag, type Names } from './block-info';
import type { CommuneData } from './data';
import { messages, type MessageKey } from './messages';
import {
  describeSchedule,
  describeTarget,
  ownerOf,
  priorityLabel,
  timeRange,
  weekdayName,
} from './schedule-text';
import type { CalendarOccurrence, CalendarOccurrenceView, ClashView } from './types';
import { shortDate } from './WeekGrid';

/** Details of one occurrence (or one hour of a dense series): what, where, readiness, clashes, actions. */
export function OccurrenceDialog(props: {
  block: Block<CalendarOccurrence> | null;
  commune: CommuneData | null;
  names: Names;
  now: number;
  canEdit: boolean;
  onClose: () => void;
  onEdit: (occurrence: CalendarOccurrence) => void;
  onChanged: () => void;
}) {
  const t = useT(messages);
  const c = useT(common);
  const lang = useLang();
  const [busy, setBusy] = useState(false);
  const block = props.block;
  if (!block) return <Modal open={false} title="" onClose={props.onClose} children={null} />;
  const first = block.items[0];
  const s = first.schedule;
  const info = blockInfo(t, lang, block, props.names, props.now);
  const clashes = uniqueClashes(block.items.flatMap((i) => i.clashes));

  /** Skip one occurrence, or undo a skip: the schedule's other occurrences stay as they are. */
  const override = async (item: CalendarOccurrence, skip: boolean) => {
    setBusy(true);
    const key = encodeURIComponent(item.occurrence.originalStart);
    const time = formatTime(new Date(item.start), lang);
    try {
      if (skip) await api.put(`/schedules/${s.id}/occurrences/${key}`, { skip: true });
      else await api.delete(`/schedules/${s.id}/occurrences/${key}`);
      toast(t(skip ? 'skipped' : 'restored', { time }));
      props.onChanged();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };

  const footer = (
    <>
      {props.canEdit ? (
        <Button variant="primary" onClick={() => props.onEdit(first)}>
          {t('editSchedule')}
        </Button>
      ) : null}
      <Button onClick={props.onClose}>{c('close')}</Button>
    </>
  );

  const commune = props.commune;
  const owner = ownerOf(t, lang, s);
  return (
    <Modal open title={s.title} onClose={props.onClose} footer={footer} wide>
      {owner && !props.canEdit ? (
        <p class="notice notice-info sched-owner-note">
          {t('readOnlyAboveNote', { name: s.ownerName || owner.short })}
        </p>
      ) : null}
      <dl class="props sched-props">
        <dt>{t('when')}</dt>
        <dd>
          {weekdayName(t, weekdayOf(block.date))} {shortDate(block.date, lang)}, {info.time}
          {info.count > 1 ? ` (${t('times', { n: info.count })})` : null}
        </dd>
        <dt>{t('what')}</dt>
        <dd>{info.what}</dd>
        <dt>{t('priority')}</dt>
        <dd>{info.priority}</dd>
        <dt>{t('volume')}</dt>
        <dd>{formatNumber(s.volume)} %</dd>
        <dt>{t('repeat')}</dt>
        <dd>{describeSchedule(t, s, lang)}</dd>
        {owner ? (
          <>
            <dt>{t('owner')}</dt>
            <dd>{s.ownerName || owner.short}</dd>
          </>
        ) : null}
        <dt>{t('targets')}</dt>
        <dd>
          {commune && s.target
            ? `${describeTarget(t, s.target, commune.unit.id, commune.villages, commune.clusters)} · `
            : ''}
          {t('clusterCount', { n: s.clusterCount })}
        </dd>
      </dl>
      <p class="sched-dialog-marks">
        <Marks t={t} marks={info.marks} long />
      </p>
      {clashes.length > 0 ? (
        <section class="sched-section sched-clashes" aria-label={t('clashesHeading')}>
          <h3>{t('clashesHeading')}</h3>
          <ul>
            {clashes.map((clash) => (
              <li key={`${clash.kind}|${clash.scheduleId}|${clash.from}`} class={`sched-clash-${clash.kind}`}>
                {t(`clash_${clash.kind}` as 'clash_conflict', {
                  title: clash.scheduleTitle,
                  priority: priorityLabel(t, clash.priority),
                  n: clash.clusterCount,
                  when: timeRange(clash.from, clash.to, lang),
                })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section class="sched-section" aria-label={t('readinessHeading')}>
        <h3>{t('readinessHeading')}</h3>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th>{t('colTime')}</th>
                <th class="num">{t('colAcked')}</th>
                <th class="num">{t('colReady')}</th>
                <th class="num">{t('colPlayed')}</th>
                <th class="num">{t('colFailed')}</th>
                <th>{t('colState')}</th>
                {props.canEdit ? <th>{t('colActions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {block.items.map((item) => {
                const o = item.occurrence;
                return (
                  <tr key={item.key}>
                    <td>
                      {formatTime(new Date(item.start), lang)}
                      {o.status === 'moved' ? <span class="muted"> ({t('moved')})</span> : null}
                    </td>
                    <td class="num">
                      {o.acked}/{o.targets}
                    </td>
                    <td class="num">
                      {o.ready}/{o.targets}
                    </td>
                    <td class="num">{o.played.started}</td>
                    <td class="num">{o.played.failed}</td>
                    <td>
                      <span class="sched-state">
                        <Marks t={t} marks={{ ...marksOf(item.clashes), disabled: false }} />
                        <ReadinessTag t={t} readiness={readinessOf(o, props.now)} />
                        <OutcomeText t={t} occurrence={o} />
                      </span>
                    </td>
                    {props.canEdit ? (
                      <td>
                        {o.status === 'skipped' ? (
                          <Button
                            variant="ghost"
                            busy={busy}
                            aria-label={t('restoreAt', { time: formatTime(new Date(item.start), lang) })}
                            onClick={() => void override(item, false)}
                          >
                            {t('restoreOnce')}
                          </Button>
                        ) : item.start > props.now ? (
                          <Button
                            variant="ghost"
                            busy={busy}
                            aria-label={t('skipAt', { time: formatTime(new Date(item.start), lang) })}
                            onClick={() => void override(item, true)}
                          >
                            {t('skipOnce')}
                          </Button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p class="muted sched-note">{t('readinessNote')}</p>
      </section>
    </Modal>
  );
}

function uniqueClashes(clashes: ClashView[]): ClashView[] {
  const seen = new Set<string>();
  return clashes.filter((c) => {
    const key = `${c.kind}|${c.scheduleId}|${c.from}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Where the preemption rule keeps this occurrence off the air (cut short, or never started). */
function OutcomeText(props: { t: Translate<MessageKey>; occurrence: CalendarOccurrenceView }) {
  const { t, occurrence: o } = props;
  if (o.status === 'skipped' || !o.outcome) return null;
  const parts = [
    o.outcome.blocked ? t('oc_blocked', { n: o.outcome.blocked }) : '',
    o.outcome.interrupted ? t('oc_interrupted', { n: o.outcome.interrupted }) : '',
  ].filter(Boolean);
  return parts.length ? <span class="sched-outcome">{parts.join('; ')}</span> : null;
}
