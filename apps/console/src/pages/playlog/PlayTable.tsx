import { config } from '../../core/config';
import { formatDuration, useLang, useT } from '../../core/i18n';
import { Badge, Link } from '../../ui/components';
import { messages, type PlayLogKey } from './messages';
import { clockTime, OUTCOME_TONES, type Playback } from './playlog-model';

/** The day's playbacks, newest first: when, where, what and how it ended. */
export function PlayTable(props: { playbacks: Playback[]; day: string; busy: boolean }) {
  const t = useT(messages);
  return (
    <div
      class="table-wrap"
      tabIndex={0}
      role="region"
      aria-label={t('listCaption')}
      aria-busy={props.busy ? 'true' : undefined}
    >
      <table class="data playlog-table">
        <caption class="sr-only">{t('listCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('colStart')}</th>
            <th scope="col" class="playlog-wide">
              {t('colEnd')}
            </th>
            <th scope="col" class="playlog-wide">
              {t('colCluster')}
            </th>
            <th scope="col">{t('colWhat')}</th>
            <th scope="col">{t('colOutcome')}</th>
            <th scope="col" class="num playlog-wide">
              {t('colPlayed')}
            </th>
          </tr>
        </thead>
        <tbody>
          {props.playbacks.map((p) => (
            <PlayRow key={p.key} playback={p} day={props.day} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PlayRow(props: { playback: Playback; day: string }) {
  const t = useT(messages);
  const lang = useLang();
  const p = props.playback;
  const time = (iso: string) => clockTime(iso, config.timeZone, lang === 'vi' ? 'vi-VN' : 'en-GB', props.day);
  const start = p.startedAt ? (
    p.startEstimated ? (
      <span title={t('estimatedHint')}>{t('estimated', { time: time(p.startedAt) })}</span>
    ) : (
      time(p.startedAt)
    )
  ) : p.outcome === 'failed' && p.endedAt ? (
    // A failed playback never started: its time is when it failed.
    time(p.endedAt)
  ) : (
    '—'
  );
  const end = p.outcome === 'failed' ? '—' : p.endedAt ? time(p.endedAt) : null;
  const cluster = (
    <Link href={`/fleet/${p.clusterId}`}>{p.clusterName ?? p.clusterCode ?? t('deletedCluster')}</Link>
  );
  const played = p.playedMs !== null ? formatDuration(p.playedMs / 1000) : null;
  return (
    <tr>
      <td class="playlog-time">
        {start}
        {/* On a phone the end folds under the start. */}
        <span class="playlog-narrow muted">
          {end === null ? t('noEnd') : end === '—' ? '' : t('endedTo', { time: end })}
        </span>
      </td>
      <td class="playlog-time playlog-wide">{end ?? <span class="muted">{t('noEnd')}</span>}</td>
      <td class="playlog-wide">{cluster}</td>
      <td>
        <span class="playlog-narrow playlog-cluster">{cluster}</span>
        <span class="playlog-kind">{t(`what_${p.kind}` as PlayLogKey)}</span>
        {p.emergency ? (
          <>
            {' '}
            <Badge tone="bad">{t('emergency')}</Badge>
          </>
        ) : null}
        <span class="playlog-title">{p.title ?? <span class="muted">({t('untitled')})</span>}</span>
      </td>
      <td>
        <Badge tone={OUTCOME_TONES[p.outcome]}>{t(`outcome_${p.outcome}` as PlayLogKey)}</Badge>
        {/* The device's own detail (free text, often English) stays in the tooltip. */}
        {p.reason && p.outcome !== 'stopped' && p.outcome !== 'preempted' ? (
          <span class="playlog-reason" title={p.detail ?? undefined}>
            {reasonText(t, p.reason)}
          </span>
        ) : null}
        {played ? <span class="playlog-narrow muted">{played}</span> : null}
      </td>
      <td class="num playlog-wide">{played ?? '—'}</td>
    </tr>
  );
}

function reasonText(t: (key: PlayLogKey) => string, reason: string): string {
  const key = `reason_${reason}` as PlayLogKey;
  return key in messages.vi ? t(key) : t('reason_other');
}
