import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Page } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { formatDateTime, useLang, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { setQuery, useLocation } from '../../core/router';
import { useSession } from '../../core/session';
import {
  Button,
  Empty,
  ErrorNotice,
  Field,
  Loading,
  Modal,
  toast,
  toastError,
  useId,
} from '../../ui/components';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { UnitPicker } from '../../ui/UnitPicker';
import { fieldErrors, type FieldErrors } from './form-errors';
import { messages } from './messages';
import { fold, type Cluster } from './registry-model';
import type { Group } from './types';
import { useUnitNames } from './unit-names';

/** Named groups of IP clusters ("Loa khu chợ") that schedules and broadcasts can target at once. */
export function GroupsTab() {
  const t = useT(messages);
  const c = useT(common);
  const lang = useLang();
  const { can } = useSession();
  const write = can('schedules.write');
  const loc = useLocation();
  const q = loc.query.get('q') ?? '';
  const list = useAsync((signal) => api.get<Group[]>('/cluster-groups', undefined, signal), []);
  const names = useUnitNames((list.data ?? []).map((g) => g.unitId));
  const [form, setForm] = useState<{ group: Group | null } | null>(null);
  const [removing, setRemoving] = useState<Group | null>(null);
  const items = (list.data ?? []).filter(
    (g) => !q || fold(`${g.name} ${g.description ?? ''}`).includes(fold(q)),
  );

  /** Deletes the group being confirmed; the dialog shows a refusal and stays open. */
  const remove = async (group: Group) => {
    try {
      await api.delete(`/cluster-groups/${group.id}`);
    } catch (err) {
      throw err instanceof ApiError && err.status === 409 ? new Error(t('groupInUse')) : err;
    }
    toast(t('groupDeleted', { name: group.name }));
    list.reload();
  };

  return (
    <section aria-labelledby="registry-groups-title">
      <div class="registry-toolbar">
        <h2 id="registry-groups-title">{t('groupsTitle')}</h2>
        {write ? (
          <Button variant="primary" onClick={() => setForm({ group: null })}>
            {t('newGroup')}
          </Button>
        ) : null}
      </div>
      <p class="muted">{t('groupsIntro')}</p>
      <div class="filters">
        <Field label={t('searchGroups')}>
          {(attrs) => (
            <input
              {...attrs}
              type="search"
              value={q}
              onInput={(e) => setQuery({ q: (e.target as HTMLInputElement).value || null })}
            />
          )}
        </Field>
      </div>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      {list.loading && !list.data ? <Loading /> : null}
      {list.data ? (
        items.length === 0 ? (
          <Empty>{q ? t('noGroupsFiltered') : t('noGroups')}</Empty>
        ) : (
          <div class="table-wrap">
            <table class="data registry-table">
              <thead>
                <tr>
                  <th scope="col">{t('groupName')}</th>
                  <th scope="col">{t('groupUnit')}</th>
                  <th scope="col" class="num">
                    {t('groupMembers')}
                  </th>
                  <th scope="col">{t('groupDescription')}</th>
                  <th scope="col">{t('updatedAt')}</th>
                  {write ? (
                    <th scope="col">
                      <span class="sr-only">{t('actions')}</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {items.map((g) => (
                  <tr key={g.id}>
                    <td>{g.name}</td>
                    <td>{names[g.unitId] ?? '…'}</td>
                    <td class="num">{g.clusterIds.length}</td>
                    <td>{g.description || '—'}</td>
                    <td>{formatDateTime(g.updatedAt, lang)}</td>
                    {write ? (
                      <td class="registry-actions">
                        <Button
                          variant="ghost"
                          aria-label={`${c('edit')} ${g.name}`}
                          onClick={() => setForm({ group: g })}
                        >
                          {c('edit')}
                        </Button>
                        <Button
                          variant="ghost"
                          aria-label={`${c('delete')} ${g.name}`}
                          onClick={() => setRemoving(g)}
                        >
                          {c('delete')}
                        </Button>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
      {write ? (
        <>
          <GroupForm
            open={!!form}
            group={form?.group ?? null}
            unitName={form?.group ? names[form.group.unitId] : undefined}
            onClose={() => setForm(null)}
            onSaved={() => {
              setForm(null);
              list.reload();
            }}
          />
          {removing ? (
            <ConfirmDialog
              title={t('deleteGroupTitle')}
              text={t('deleteGroupIntro', { name: removing.name })}
              confirm={c('delete')}
              onConfirm={() => remove(removing)}
              onClose={() => setRemoving(null)}
            />
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function GroupForm(props: {
  open: boolean;
  group: Group | null;
  unitName?: string;
  onClose: () => void;
  onSaved: () => void;
}) {
  const t = useT(messages);
  const c = useT(common);
  const lang = useLang();
  const { me } = useSession();
  const editing = props.group;
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [unitId, setUnitId] = useState<string | null>(null);
  const [members, setMembers] = useState<Set<string>>(new Set());
  const [filter, setFilter] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const listId = useId('members');
  useEffect(() => {
    if (!props.open) return;
    setName(editing?.name ?? '');
    setDescription(editing?.description ?? '');
    setUnitId(editing?.unitId ?? me.scope?.unitId ?? null);
    setMembers(new Set(editing?.clusterIds ?? []));
    setFilter('');
    setErrors({});
  }, [props.open, editing?.id]);

  const clusters = useAsync(
    (signal) =>
      props.open && unitId
        ? api.get<Page<Cluster>>(
            '/clusters',
            { unitId, kind: 'ip', lifecycle: 'planned,active,faulty', pageSize: 500, sort: 'name' },
            signal,
          )
        : Promise.resolve(undefined),
    [props.open, unitId],
  );
  const all = clusters.data?.items ?? [];
  const shown = all.filter(
    (cl) => !filter || fold(`${cl.name} ${cl.code} ${cl.village?.name ?? ''}`).includes(fold(filter)),
  );

  const submit = async (e: Event) => {
    e.preventDefault();
    const local: FieldErrors = {};
    if (!name.trim()) local.name = t('required');
    if (!unitId) local.unitId = t('groupUnitRequired');
    if (Object.values(local).some(Boolean)) return setErrors(local);
    setBusy(true);
    setErrors({});
    const body = {
      name: name.trim(),
      description: description.trim() || null,
      clusterIds: [...members],
    };
    try {
      if (editing) await api.patch(`/cluster-groups/${editing.id}`, body);
      else await api.post('/cluster-groups', { ...body, unitId: unitId ?? undefined });
      toast(t('groupSaved', { name: body.name }));
      props.onSaved();
    } catch (err) {
      const fields = fieldErrors(err, lang);
      if (fields) setErrors(fields);
      else if (err instanceof ApiError && err.status === 409) setErrors({ name: t('groupNameTaken') });
      else toastError(err);
    } finally {
      setBusy(false);
    }
  };

  const toggle = (id: string, on: boolean) =>
    setMembers((m) => {
      const next = new Set(m);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <Modal
      open={props.open}
      wide
      title={editing ? t('editGroupTitle', { name: editing.name }) : t('newGroupTitle')}
      onClose={props.onClose}
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose}>
            {c('cancel')}
          </Button>
          <Button variant="primary" busy={busy} onClick={submit}>
            {c('save')}
          </Button>
        </>
      }
    >
      <form class="registry-form" onSubmit={submit} noValidate>
        <Field label={t('groupName')} hint={t('groupNameHint')} error={errors.name} required>
          {(attrs) => (
            <input
              {...attrs}
              maxLength={200}
              value={name}
              onInput={(e) => setName((e.target as HTMLInputElement).value)}
            />
          )}
        </Field>
        <Field label={t('groupDescription')} error={errors.description}>
          {(attrs) => (
            <textarea
              {...attrs}
              rows={2}
              maxLength={2000}
              value={description}
              onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)}
            />
          )}
        </Field>
        {editing ? (
          <p>
            <span class="muted">{t('groupUnit')}:</span> <strong>{props.unitName ?? '…'}</strong>
          </p>
        ) : (
          <UnitPicker
            label={t('groupUnit')}
            value={unitId}
            deepest="commune"
            autoSelectSingle
            hint={t('groupUnitHint')}
            error={errors.unitId}
            onChange={(u) => {
              setUnitId(u?.id ?? null);
              setMembers(new Set());
            }}
          />
        )}
        <fieldset class="registry-members" aria-describedby={`${listId}-count`}>
          <legend>{t('groupMembers')}</legend>
          <p id={`${listId}-count`} class="muted" role="status">
            {t('membersChosen', { n: members.size, total: all.length })}
          </p>
          {errors.clusterIds ? (
            <p class="error-text" role="alert">
              {errors.clusterIds}
            </p>
          ) : null}
          {!unitId ? (
            <p class="muted">{t('groupUnitRequired')}</p>
          ) : clusters.loading && !clusters.data ? (
            <Loading />
          ) : clusters.error ? (
            <ErrorNotice error={clusters.error} onRetry={clusters.reload} />
          ) : all.length === 0 ? (
            <Empty>{t('noIpClusters')}</Empty>
          ) : (
            <>
              <div class="row registry-members-tools">
                <Field label={t('filterMembers')}>
                  {(attrs) => (
                    <input
                      {...attrs}
                      type="search"
                      value={filter}
                      onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
                    />
                  )}
                </Field>
                <Button
                  variant="ghost"
                  onClick={() => setMembers((m) => new Set([...m, ...shown.map((cl) => cl.id)]))}
                >
                  {t('selectShown')}
                </Button>
                <Button
                  variant="ghost"
                  onClick={() =>
                    setMembers((m) => new Set([...m].filter((id) => !shown.some((cl) => cl.id === id))))
                  }
                >
                  {t('clearShown')}
                </Button>
              </div>
              <ul class="registry-member-list">
                {shown.map((cl) => (
                  <li key={cl.id}>
                    <label class="registry-check">
                      <input
                        type="checkbox"
                        checked={members.has(cl.id)}
                        onChange={(e) => toggle(cl.id, (e.target as HTMLInputElement).checked)}
                      />
                      <span>
                        {cl.name}
                        <small class="muted">
                          {' '}
                          {cl.code}
                          {cl.village ? ` · ${cl.village.name}` : cl.commune ? ` · ${cl.commune.name}` : ''}
                        </small>
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            </>
          )}
        </fieldset>
        <button type="submit" class="sr-only" tabIndex={-1} aria-hidden="true" />
      </form>
    </Modal>
  );
}
