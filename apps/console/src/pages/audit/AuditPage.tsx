import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { api, download, type Page } from '../../core/api';
import { config } from '../../core/config';
import { useAsync } from '../../core/hooks';
import { formatDateTime, formatNumber, useLang, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { setQuery, useLocation } from '../../core/router';
import { useSession } from '../../core/session';
import type { RouteParams } from '../../routes';
import {
  Badge,
  Button,
  Empty,
  ErrorNotice,
  Field,
  Loading,
  PageHeader,
  Pager,
  toastError,
} from '../../ui/components';
import { localDayStart, nextDay, periodProblem } from '../reports/period';
import { UnitPicker } from '../../ui/UnitPicker';
import { AuditDetails } from './AuditDetails';
import {
  ACTION_GROUPS,
  ACTIONS,
  describeAction,
  objectName,
  objectTypeLabel,
  OBJECT_TYPES,
} from './audit-text';
import { messages } from './messages';
import type { AuditEntry } from './types';
import './audit.css';

const PAGE_SIZE = 50;
const FILTER_KEYS = [
  'unit',
  'action',
  'actorKind',
  'actorId',
  'actorName',
  'objectType',
  'objectId',
  'objectName',
  'from',
  'to',
  'page',
];

/** The audit log: filters in the URL, newest first, details of each entry on demand, CSV export. */
export function AuditPage(_props: { params: RouteParams }) {
  const t = useT(messages);
  const tc = useT(common);
  const lang = useLang();
  const session = useSession();
  const { query } = useLocation();
  const q = (key: string) => query.get(key) ?? '';
  const page = Math.max(1, Number(query.get('page')) || 1);
  const from = q('from');
  const to = q('to');
  const dateProblem = from && to ? periodProblem(from, to) : null;
  const [open, setOpen] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  const apiQuery = {
    action: q('action') || undefined,
    actorKind: q('actorKind') || undefined,
    actorId: q('actorId') || undefined,
    objectType: q('objectType') || undefined,
    objectId: q('objectId') || undefined,
    unitId: q('unit') || undefined,
    from: from ? localDayStart(from, config.timeZone) : undefined,
    to: to ? localDayStart(nextDay(to), config.timeZone) : undefined,
  };
  const key = JSON.stringify(apiQuery);
  const list = useAsync(
    (signal) =>
      dateProblem
        ? Promise.resolve(undefined)
        : api.get<Page<AuditEntry>>('/audit', { ...apiQuery, page, pageSize: PAGE_SIZE }, signal),
    [key, page],
  );
  // People to filter by: only for roles that may list accounts.
  const users = useAsync(
    (signal) =>
      session.can('users.read')
        ? api.get<Page<{ id: string; displayName: string; username: string }>>(
            '/users',
            { pageSize: 500 },
            signal,
          )
        : Promise.resolve(null),
    [],
  );

  const set = (values: Record<string, string | null>) => setQuery({ ...values, page: null });
  const filtered = FILTER_KEYS.some((k) => query.get(k));

  async function exportCsv() {
    setExporting(true);
    try {
      await download('/audit', { ...apiQuery, format: 'csv' }, 'audit.csv');
    } catch (err) {
      toastError(err);
    } finally {
      setExporting(false);
    }
  }

  const actorKnown = users.data?.items.some((u) => u.id === q('actorId'));
  return (
    <>
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={
          <Button busy={exporting} disabled={!!dateProblem} onClick={() => void exportCsv()}>
            {tc('downloadCsv')}
          </Button>
        }
      />
      <section class="card audit-filters" aria-label={t('filters')}>
        <div class="filters">
          <Field label={t('action')}>
            {(attrs) => (
              <select
                {...attrs}
                value={q('action')}
                onChange={(e) => set({ action: (e.target as HTMLSelectElement).value || null })}
              >
                <option value="">{t('anyAction')}</option>
                {Object.entries(ACTION_GROUPS).map(([prefix, words]) => (
                  <optgroup key={prefix} label={words[lang]}>
                    <option value={`${prefix}.`}>{t('allOf', { group: words[lang] })}</option>
                    {Object.keys(ACTIONS)
                      .filter((a) => a.startsWith(`${prefix}.`))
                      .map((a) => (
                        <option key={a} value={a}>
                          {ACTIONS[a][lang]}
                        </option>
                      ))}
                  </optgroup>
                ))}
              </select>
            )}
          </Field>
          {users.data ? (
            <Field label={t('actor')}>
              {(attrs) => (
                <select
                  {...attrs}
                  value={q('actorId')}
                  onChange={(e) => {
                    const id = (e.target as HTMLSelectElement).value;
                    set({ actorId: id || null, actorName: null });
                  }}
                >
                  <option value="">{t('anyActor')}</option>
                  {q('actorId') && !actorKnown ? (
                    <option value={q('actorId')}>{q('actorName') || q('actorId')}</option>
                  ) : null}
                  {users.data!.items.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.displayName} ({u.username})
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : null}
          <Field label={t('actorKind')}>
            {(attrs) => (
              <select
                {...attrs}
                value={q('actorKind')}
                onChange={(e) => set({ actorKind: (e.target as HTMLSelectElement).value || null })}
              >
                <option value="">{t('anyActorKind')}</option>
                <option value="user">{t('kind_user')}</option>
                <option value="api_key">{t('kind_api_key')}</option>
                <option value="system">{t('kind_system')}</option>
                <option value="anonymous">{t('kind_anonymous')}</option>
              </select>
            )}
          </Field>
          <Field label={t('objectType')}>
            {(attrs) => (
              <select
                {...attrs}
                value={q('objectType')}
                onChange={(e) =>
                  set({
                    objectType: (e.target as HTMLSelectElement).value || null,
                    objectId: null,
                    objectName: null,
                  })
                }
              >
                <option value="">{t('anyObject')}</option>
                {Object.entries(OBJECT_TYPES).map(([type, words]) => (
                  <option key={type} value={type}>
                    {words[lang]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('from')} error={dateProblem?.problem === 'order' ? t('errFromAfterTo') : undefined}>
            {(attrs) => (
              <input
                {...attrs}
                type="date"
                value={from}
                max={to || undefined}
                onChange={(e) => set({ from: (e.target as HTMLInputElement).value || null })}
              />
            )}
          </Field>
          <Field label={t('to')}>
            {(attrs) => (
              <input
                {...attrs}
                type="date"
                value={to}
                min={from || undefined}
                onChange={(e) => set({ to: (e.target as HTMLInputElement).value || null })}
              />
            )}
          </Field>
          {filtered ? (
            <Button
              variant="ghost"
              onClick={() => setQuery(Object.fromEntries(FILTER_KEYS.map((k) => [k, null])))}
            >
              {t('clear')}
            </Button>
          ) : null}
        </div>
        <UnitPicker
          label={t('unit')}
          deepest="village"
          value={q('unit') || session.me.scope?.unitId || null}
          onChange={(u) => set({ unit: u && u.id !== session.me.scope?.unitId ? u.id : null })}
        />
        <ActiveChips />
      </section>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      {!list.data && !list.error && !dateProblem ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? <Empty>{t('empty')}</Empty> : null}
      {list.data && list.data.items.length > 0 ? (
        <>
          <p class="muted audit-count" role="status">
            {t('total', { n: formatNumber(list.data.total) })}
          </p>
          <div
            class="table-wrap"
            tabIndex={0}
            role="region"
            aria-label={t('caption')}
            aria-busy={list.loading ? 'true' : undefined}
          >
            <table class="data audit-table">
              <caption class="sr-only">{t('caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('colAt')}</th>
                  <th scope="col" class="audit-wide">
                    {t('colActor')}
                  </th>
                  <th scope="col">{t('colAction')}</th>
                  <th scope="col" class="audit-wide">
                    {t('colObject')}
                  </th>
                  <th scope="col">
                    <span class="sr-only">{t('colDetails')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((entry) => {
                  const expanded = open === entry.id;
                  const described = describeAction(entry, lang);
                  const name = objectName(entry);
                  return (
                    <Fragment key={entry.id}>
                      <tr class={expanded ? 'audit-open' : undefined}>
                        <td class="audit-at">{formatDateTime(entry.at)}</td>
                        <td class="audit-wide">
                          <ActorCell entry={entry} />
                        </td>
                        <td>
                          {described ?? <code>{entry.action}</code>}
                          {/* On a phone the actor and object columns fold into this one. */}
                          <span class="audit-narrow">
                            <ObjectCell type={entry.objectType} name={name} />
                          </span>
                          <span class="audit-narrow">
                            <ActorCell entry={entry} />
                          </span>
                        </td>
                        <td class="audit-wide">
                          <ObjectCell type={entry.objectType} name={name} />
                        </td>
                        <td class="audit-toggle">
                          <button
                            type="button"
                            class="btn btn-ghost"
                            aria-expanded={expanded}
                            aria-controls={`audit-${entry.id}`}
                            onClick={() => setOpen(expanded ? null : entry.id)}
                          >
                            {t('colDetails')}
                          </button>
                        </td>
                      </tr>
                      {expanded ? (
                        <tr class="audit-details-row">
                          <td colSpan={5} id={`audit-${entry.id}`}>
                            <AuditDetails
                              entry={entry}
                              onFilterActor={() =>
                                set({ actorId: entry.actorId, actorName: entry.actorName })
                              }
                              onFilterObject={() =>
                                set({
                                  objectType: entry.objectType,
                                  objectId: entry.objectId,
                                  objectName: name ?? objectTypeLabel(entry.objectType, lang),
                                })
                              }
                            />
                          </td>
                        </tr>
                      ) : null}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager
            page={list.data.page}
            pageSize={list.data.pageSize}
            total={list.data.total}
            onPage={(p) => setQuery({ page: p === 1 ? null : p })}
          />
        </>
      ) : null}
    </>
  );
}

function ObjectCell(props: { type: string; name: string | null }) {
  const lang = useLang();
  return (
    <>
      <span class="muted">{objectTypeLabel(props.type, lang)}</span>
      {props.name ? <span class="audit-object-name">{props.name}</span> : null}
    </>
  );
}

function ActorCell(props: { entry: AuditEntry }) {
  const t = useT(messages);
  const e = props.entry;
  if (e.actorKind === 'system') return <span class="muted">{t('system')}</span>;
  return (
    <>
      <span>{e.actorName}</span>
      {e.actorKind !== 'user' ? (
        <>
          {' '}
          <Badge tone={e.actorKind === 'anonymous' ? 'warn' : 'info'}>{t(`kind_${e.actorKind}`)}</Badge>
        </>
      ) : null}
    </>
  );
}

/** Filters set from a row (an actor or an object) have no select: they show as removable chips. */
function ActiveChips() {
  const t = useT(messages);
  const { query } = useLocation();
  const chips: { label: string; clear: Record<string, null> }[] = [];
  const actorName = query.get('actorName');
  if (query.get('actorId') && actorName)
    chips.push({ label: t('activeActor', { name: actorName }), clear: { actorId: null, actorName: null } });
  if (query.get('objectId'))
    chips.push({
      label: t('activeObject', { name: query.get('objectName') ?? '' }),
      clear: { objectId: null, objectName: null },
    });
  if (!chips.length) return null;
  return (
    <ul class="audit-chips">
      {chips.map((c) => (
        <li key={c.label}>
          <span>{c.label}</span>
          <button
            type="button"
            class="icon-btn"
            aria-label={t('removeFilter', { name: c.label })}
            onClick={() => setQuery({ ...c.clear, page: null })}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
