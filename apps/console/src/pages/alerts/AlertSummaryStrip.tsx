import { useLang, useT } from '../../core/i18n';
import { Link, Stat } from '../../ui/components';
import { alertMessages } from './alerts-messages';
import { countBySeverity, SEVERITIES, SEVERITY_TONE, SEVERITY_WORDS, type Severity } from './alerts-model';

export interface AlertSummary {
  byRule: { rule: string; severity: string; open: number; acknowledged: number }[];
  byCommune: {
    communeId: string;
    communeName: string;
    districtName: string | null;
    active: number;
    clusters: number;
    critical: number;
    oldestSince: string;
  }[];
}

/** Active alerts by severity (each a filter link) and the worst communes. */
export function AlertSummaryStrip(props: {
  summary: AlertSummary;
  hrefFor: (q: { severity?: Severity; unit?: string }) => string;
}) {
  const t = useT(alertMessages);
  const lang = useLang();
  const counts = countBySeverity(props.summary.byRule);
  const communes = props.summary.byCommune;
  return (
    <section class="alerts-summary" aria-label={t('summaryLabel')}>
      <div class="alerts-stats">
        {SEVERITIES.map((s) => (
          <Stat
            key={s}
            label={SEVERITY_WORDS[s][lang]}
            value={counts[s]}
            tone={counts[s] ? SEVERITY_TONE[s] : 'muted'}
            href={props.hrefFor({ severity: s })}
          />
        ))}
      </div>
      {communes.length > 1 ? (
        <div class="alerts-communes">
          <h2 class="alerts-communes-title">{t('summaryCommunes')}</h2>
          <ul>
            {communes.slice(0, 8).map((c) => (
              <li key={c.communeId}>
                <Link href={props.hrefFor({ unit: c.communeId })}>
                  {t('summaryCommune', { name: c.communeName, n: c.active, clusters: c.clusters })}
                </Link>
                {c.critical ? (
                  <span class="badge badge-bad">{t('summaryCritical', { n: c.critical })}</span>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
