import { formatAgo, formatDateTime, useLang, useT } from '../../core/i18n';
import { Badge, Button, Link } from '../../ui/components';
import { alertMessages } from './alerts-messages';
import {
  actorIsMe,
  actorName,
  RESOLUTION_WORDS,
  ruleLabel,
  SEVERITY_TONE,
  SEVERITY_WORDS,
  STATE_TONE,
  STATE_WORDS,
  type AlertView,
} from './alerts-model';

export interface AlertTableProps {
  items: AlertView[];
  meId: string;
  /** Names of actors learnt so far (stream changes carry none). */
  names: ReadonlyMap<string, string>;
  /** May acknowledge and resolve (alerts.manage). */
  manage: boolean;
  selected: ReadonlySet<string>;
  /** Alerts that arrived live, highlighted until seen. */
  fresh: ReadonlySet<string>;
  onSelect: (ids: string[], on: boolean) => void;
  onAcknowledge: (alert: AlertView) => void;
  onResolve: (alert: AlertView) => void;
}

/** The inbox table; on phones each row becomes a card (labels from data-label). */
export function AlertTable(props: AlertTableProps) {
  const t = useT(alertMessages);
  const lang = useLang();
  const openIds = props.items.filter((a) => a.state === 'open').map((a) => a.id);
  const allSelected = openIds.length > 0 && openIds.every((id) => props.selected.has(id));
  return (
    <div class="table-wrap">
      <table class="data alerts-table">
        <thead>
          <tr>
            {props.manage ? (
              <th class="alerts-check">
                <input
                  type="checkbox"
                  aria-label={t('selectAll')}
                  title={t('selectAll')}
                  checked={allSelected}
                  disabled={openIds.length === 0}
                  onChange={(e) => props.onSelect(openIds, (e.target as HTMLInputElement).checked)}
                />
              </th>
            ) : null}
            <th>{t('severity')}</th>
            <th>{t('rule')}</th>
            <th>{t('cluster')}</th>
            <th>{t('place')}</th>
            <th>{t('since')}</th>
            <th>{t('state')}</th>
            {props.manage ? <th>{t('actions')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.items.map((a) => {
            const rule = ruleLabel(a.rule, lang);
            return (
              <tr
                key={a.id}
                data-alert-id={a.id}
                class={`alerts-row alerts-row-${a.severity}${props.fresh.has(a.id) ? ' alerts-fresh' : ''}`}
              >
                {props.manage ? (
                  <td class="alerts-check">
                    {a.state === 'open' ? (
                      <input
                        type="checkbox"
                        aria-label={t('selectOne', { rule, cluster: a.clusterName })}
                        checked={props.selected.has(a.id)}
                        onChange={(e) => props.onSelect([a.id], (e.target as HTMLInputElement).checked)}
                      />
                    ) : null}
                  </td>
                ) : null}
                <td data-label={t('severity')}>
                  <div class="alerts-cell">
                    <Badge tone={SEVERITY_TONE[a.severity]}>{SEVERITY_WORDS[a.severity][lang]}</Badge>
                  </div>
                </td>
                <td data-label={t('rule')}>
                  <div class="alerts-cell">
                    <strong>{rule}</strong>
                    {a.flapping ? (
                      <>
                        {' '}
                        <Badge tone="warn" title={t('flappingHint')}>
                          {t('flapping')}
                        </Badge>
                      </>
                    ) : null}
                    {a.detail && a.detail.toLowerCase() !== rule.toLowerCase() ? (
                      <div class="muted alerts-detail">{a.detail}</div>
                    ) : null}
                  </div>
                </td>
                <td data-label={t('cluster')}>
                  <div class="alerts-cell">
                    <Link href={`/fleet/${a.clusterId}`}>{a.clusterName}</Link>
                    <div class="muted alerts-code">{a.clusterCode}</div>
                  </div>
                </td>
                <td data-label={t('place')}>
                  <div class="alerts-cell">
                    {a.villageName ? <div>{a.villageName}</div> : null}
                    <div class={a.villageName ? 'muted' : ''}>{a.communeName}</div>
                  </div>
                </td>
                <td data-label={t('since')}>
                  <div class="alerts-cell">
                    <time dateTime={a.since} title={formatDateTime(a.since, lang)}>
                      {formatAgo(a.since, lang)}
                    </time>
                  </div>
                </td>
                <td data-label={t('state')}>
                  <div class="alerts-cell">
                    <Badge tone={STATE_TONE[a.state]}>{STATE_WORDS[a.state][lang]}</Badge>
                    <StateNote alert={a} meId={props.meId} names={props.names} />
                  </div>
                </td>
                {props.manage ? (
                  <td class="alerts-actions">
                    {a.state === 'open' ? (
                      <Button variant="primary" onClick={() => props.onAcknowledge(a)}>
                        {t('acknowledge')}
                      </Button>
                    ) : null}
                    {a.state !== 'resolved' ? (
                      <Button variant="ghost" onClick={() => props.onResolve(a)}>
                        {t('resolve')}
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
  );
}

/** Who took it and when, who closed it or how it ended, with the note. */
function StateNote(props: { alert: AlertView; meId: string; names: ReadonlyMap<string, string> }) {
  const t = useT(alertMessages);
  const lang = useLang();
  const a = props.alert;
  const lines: { text: string; at: string }[] = [];
  if (a.acknowledgedAt) {
    const when = formatAgo(a.acknowledgedAt, lang);
    const name = actorName(a.acknowledgedBy, a.acknowledgedByName, props.names);
    const text = actorIsMe(a.acknowledgedBy, props.meId)
      ? t('ackByMe', { when })
      : name
        ? t('ackByName', { name, when })
        : t('ackBy', { when });
    lines.push({ text, at: a.acknowledgedAt });
  }
  if (a.state === 'resolved' && a.resolvedAt) {
    const when = formatAgo(a.resolvedAt, lang);
    // Only a manual close has a person behind it; an automatic one is "the system".
    const manual = a.resolution === 'manual';
    const name = manual ? actorName(a.resolvedBy, a.resolvedByName, props.names) : null;
    const text =
      manual && actorIsMe(a.resolvedBy, props.meId)
        ? t('closedByMe', { when })
        : name
          ? t('closedByName', { name, when })
          : t('resolvedAt', { when, how: RESOLUTION_WORDS[a.resolution ?? 'auto'][lang] });
    lines.push({ text, at: a.resolvedAt });
  }
  if (!lines.length && !a.ackNote) return null;
  return (
    <div class="alerts-state-note muted">
      {lines.map((line) => (
        <div key={line.at + line.text} title={formatDateTime(line.at, lang)}>
          {line.text}
        </div>
      ))}
      {a.ackNote ? <q>{a.ackNote}</q> : null}
    </div>
  );
}
