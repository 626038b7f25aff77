import { formatNumber, useLang, useT } from '../../core/i18n';
import { Badge, useId } from '../../ui/components';
import { messages, type PlayLogKey } from './messages';
import { sumCommunes, verdictOf } from './playlog-model';
import type { CommuneDay, DaySummary as Summary } from './types';

type Figures = Omit<CommuneDay, 'communeId' | 'code' | 'name' | 'path'>;

/** Per commune: minutes scheduled (after preemption) against minutes played, in a bar and in words. */
export function DaySummary(props: { summary: Summary; isToday: boolean }) {
  const t = useT(messages);
  const { summary } = props;
  if (summary.communes.length === 0) return <p class="muted">{t('noCommunes')}</p>;
  const several = summary.communes.length > 1;
  return (
    <ul class="playlog-communes">
      {several ? (
        <CommuneCard
          name={t('wholeArea', { n: summary.communes.length })}
          figures={sumCommunes(summary.communes)}
          scheduledKnown={summary.scheduledKnown}
          isToday={props.isToday}
          total
        />
      ) : null}
      {summary.communes.map((c) => (
        <CommuneCard
          key={c.communeId}
          name={c.name}
          figures={c}
          scheduledKnown={summary.scheduledKnown}
          isToday={props.isToday}
        />
      ))}
    </ul>
  );
}

function CommuneCard(props: {
  name: string;
  figures: Figures;
  scheduledKnown: boolean;
  isToday: boolean;
  total?: boolean;
}) {
  const t = useT(messages);
  const lang = useLang();
  const f = props.figures;
  const verdict = verdictOf(f, props.scheduledKnown, props.isToday);
  const minutes = (n: number | null) => formatNumber(n, 1, lang);
  const headingId = useId('playlog-c');
  return (
    <li class={`playlog-commune${props.total ? ' playlog-commune-total' : ''}`} aria-labelledby={headingId}>
      <h3 id={headingId}>
        {props.name} <span class="muted playlog-commune-clusters">· {t('clusters', { n: f.clusters })}</span>
      </h3>
      <p class="playlog-verdict">
        <Badge tone={verdict.tone}>{t(`verdict_${verdict.key}` as PlayLogKey)}</Badge>
      </p>
      {verdict.pct !== null ? (
        <>
          <p class="playlog-ratio-text">
            {t(props.isToday ? 'scheduledLineToday' : 'scheduledLine', {
              played: minutes(f.scheduledPlayedMinutes),
              scheduled: minutes(f.scheduledMinutes),
              pct: formatNumber(verdict.pct, 0, lang),
            })}
          </p>
          <div
            class={`playlog-bar playlog-bar-${verdict.tone}`}
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={verdict.bar}
            aria-valuetext={`${formatNumber(verdict.pct, 0, lang)} % · ${t(`verdict_${verdict.key}` as PlayLogKey)}`}
            aria-label={t('ratioLabel', { name: props.name })}
          >
            <span style={{ width: `${verdict.bar}%` }} />
          </div>
        </>
      ) : null}
      <dl class="playlog-figures">
        <div>
          <dt>{t('scheduledMinutes')}</dt>
          <dd>{minutes(f.scheduledMinutes)}</dd>
        </div>
        <div>
          <dt>{t('scheduledPlayedMinutes')}</dt>
          <dd>{minutes(f.scheduledPlayedMinutes)}</dd>
        </div>
        <div>
          <dt title={t('playedMinutesHint')}>{t('playedMinutes')}</dt>
          <dd>{minutes(f.playedMinutes)}</dd>
        </div>
        <div>
          <dt>{t('finished')}</dt>
          <dd>{formatNumber(f.finished, 0, lang)}</dd>
        </div>
        <div>
          <dt>{t('interrupted')}</dt>
          <dd>{formatNumber(f.interrupted, 0, lang)}</dd>
        </div>
        <div>
          <dt>{t('failed')}</dt>
          <dd class={f.failed ? 'playlog-bad' : undefined}>{formatNumber(f.failed, 0, lang)}</dd>
        </div>
      </dl>
    </li>
  );
}
