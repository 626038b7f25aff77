import { Fragment } from 'preact';
import { useLang, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { ROLE_LABEL } from '../../core/roles';
import { Button } from '../../ui/components';
import { formatValue, objectTypeLabel } from './audit-text';
import { messages, type AuditKey } from './messages';
import type { AuditEntry } from './types';

/** One entry in full: where it came from, the before/after of each changed field, its extra detail. */
export function AuditDetails(props: {
  entry: AuditEntry;
  onFilterActor: () => void;
  onFilterObject: () => void;
}) {
  const t = useT(messages);
  const tc = useT(common);
  const lang = useLang();
  const e = props.entry;
  const fieldName = (field: string) => {
    const key = `f_${field}` as AuditKey;
    return key in messages.vi ? t(key) : field;
  };
  const value = (field: string, v: unknown) => {
    if (field === 'role' && typeof v === 'string' && ROLE_LABEL[v]) return tc(ROLE_LABEL[v]);
    if (typeof v === 'boolean') return v ? tc('yes') : tc('no');
    return formatValue(v);
  };
  const changes = Object.entries(e.changes ?? {});
  const detail = Object.entries(e.detail ?? {}).filter(([, v]) => v !== null && v !== undefined);
  return (
    <div class="audit-details">
      <dl class="props">
        <dt>{t('actionCode')}</dt>
        <dd>
          <code>{e.action}</code>
        </dd>
        <dt>{t('objectKind')}</dt>
        <dd>{objectTypeLabel(e.objectType, lang)}</dd>
        {e.objectId ? (
          <>
            <dt>{t('objectId')}</dt>
            <dd>
              <code>{e.objectId}</code>
            </dd>
          </>
        ) : null}
        {e.ip ? (
          <>
            <dt>{t('ip')}</dt>
            <dd>{e.ip}</dd>
          </>
        ) : null}
        {e.requestId ? (
          <>
            <dt>{t('requestId')}</dt>
            <dd>
              <code>{e.requestId}</code>
            </dd>
          </>
        ) : null}
      </dl>
      {changes.length ? (
        <div class="audit-block">
          <h3>{t('changes')}</h3>
          <div class="table-wrap" tabIndex={0} role="region" aria-label={t('changes')}>
            <table class="data audit-changes">
              <thead>
                <tr>
                  <th scope="col">{t('field')}</th>
                  <th scope="col">{t('before')}</th>
                  <th scope="col">{t('after')}</th>
                </tr>
              </thead>
              <tbody>
                {changes.map(([field, change]) => (
                  <tr key={field}>
                    <th scope="row">{fieldName(field)}</th>
                    <td class="audit-before">{value(field, change.before)}</td>
                    <td class="audit-after">{value(field, change.after)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
      {detail.length ? (
        <div class="audit-block">
          <h3>{t('detail')}</h3>
          <dl class="props">
            {detail.map(([k, v]) => (
              <Fragment key={k}>
                <dt>{fieldName(k)}</dt>
                <dd>
                  <span class="audit-value">{value(k, v)}</span>
                </dd>
              </Fragment>
            ))}
          </dl>
        </div>
      ) : null}
      <div class="row">
        {e.actorId && e.actorKind !== 'system' ? (
          <Button variant="ghost" onClick={props.onFilterActor}>
            {t('filterActor', { name: e.actorName })}
          </Button>
        ) : null}
        {e.objectId ? (
          <Button variant="ghost" onClick={props.onFilterObject}>
            {t('filterObject')}
          </Button>
        ) : null}
      </div>
    </div>
  );
}
