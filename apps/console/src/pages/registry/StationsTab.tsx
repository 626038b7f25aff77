import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Page } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { formatDate, useLang, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { setQuery, useLocation } from '../../core/router';
import { useSession } from '../../core/session';
import {
  Badge,
  Button,
  Empty,
  ErrorNotice,
  Field,
  Loading,
  Modal,
  Pager,
  toast,
  toastError,
} from '../../ui/components';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { UnitPicker } from '../../ui/UnitPicker';
import { UnitSelect } from '../alerts/UnitSelect';
import { fieldErrors, type FieldErrors } from './form-errors';
import { messages } from './messages';
import type { Station } from './types';

const PAGE_SIZE = 50;

/** Commune stations (đài truyền thanh cấp xã): one per commune, the clusters hang off it. */
export function StationsTab() {
  const t = useT(messages);
  const c = useT(common);
  const lang = useLang();
  const { can } = useSession();
  const write = can('stations.write');
  const loc = useLocation();
  const q = loc.query.get('q') ?? '';
  const unit = loc.query.get('unit') ?? undefined;
  const page = Math.max(1, Number(loc.query.get('page')) || 1);
  const [search, setSearch] = useState(q);
  useEffect(() => setSearch(q), [q]);
  const list = useAsync(
    (signal) =>
      api.get<Page<Station>>(
        '/stations',
        { q: q || undefined, unitId: unit, page, pageSize: PAGE_SIZE },
        signal,
      ),
    [q, unit, page],
  );
  const [form, setForm] = useState<{ station: Station | null } | null>(null);
  const [removing, setRemoving] = useState<Station | null>(null);

  const remove = async (station: Station) => {
    await api.delete(`/stations/${station.id}`);
    toast(t('stationDeleted', { name: station.name }));
    list.reload();
  };

  return (
    <section aria-labelledby="registry-stations-title">
      <div class="registry-toolbar">
        <h2 id="registry-stations-title">{t('stationsTitle')}</h2>
        {write ? (
          <Button variant="primary" onClick={() => setForm({ station: null })}>
            {t('newStation')}
          </Button>
        ) : null}
      </div>
      <form
        class="filters"
        role="search"
        aria-label={t('stationFilters')}
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ q: search.trim() || null, page: null });
        }}
      >
        <Field label={t('searchStations')}>
          {(attrs) => (
            <input
              {...attrs}
              type="search"
              value={search}
              onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
              onBlur={() => search.trim() !== q && setQuery({ q: search.trim() || null, page: null })}
            />
          )}
        </Field>
        <UnitSelect value={unit} deepest="commune" onChange={(id) => setQuery({ unit: id, page: null })} />
        <Button type="submit" variant="secondary">
          {c('search')}
        </Button>
      </form>

      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      {list.loading && !list.data ? <Loading /> : null}
      {list.data ? (
        list.data.items.length === 0 ? (
          <Empty>{t('noStations')}</Empty>
        ) : (
          <>
            <div class="table-wrap">
              <table class="data registry-table">
                <thead>
                  <tr>
                    <th scope="col">{t('stationName')}</th>
                    <th scope="col">{t('commune')}</th>
                    <th scope="col">{t('stationKind')}</th>
                    <th scope="col">{t('phone')}</th>
                    <th scope="col">{t('address')}</th>
                    <th scope="col">{t('establishedOn')}</th>
                    {write ? (
                      <th scope="col">
                        <span class="sr-only">{t('actions')}</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {list.data.items.map((s) => (
                    <tr key={s.id}>
                      <td>{s.name}</td>
                      <td>{s.commune?.name ?? '—'}</td>
                      <td>
                        <Badge tone={s.isIp ? 'info' : 'muted'}>
                          {s.isIp ? t('stationIp') : t('stationFm')}
                        </Badge>
                      </td>
                      <td>{s.phone ?? '—'}</td>
                      <td>{s.address ?? '—'}</td>
                      <td>{s.establishedOn ? formatDate(s.establishedOn, lang) : '—'}</td>
                      {write ? (
                        <td class="registry-actions">
                          <Button
                            variant="ghost"
                            aria-label={`${c('edit')} ${s.name}`}
                            onClick={() => setForm({ station: s })}
                          >
                            {c('edit')}
                          </Button>
                          <Button
                            variant="ghost"
                            aria-label={`${c('delete')} ${s.name}`}
                            onClick={() => setRemoving(s)}
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
            <Pager
              page={page}
              pageSize={PAGE_SIZE}
              total={list.data.total}
              onPage={(p) => setQuery({ page: p === 1 ? null : p })}
            />
          </>
        )
      ) : null}

      {write ? (
        <>
          <StationForm
            open={!!form}
            station={form?.station ?? null}
            onClose={() => setForm(null)}
            onSaved={() => {
              setForm(null);
              list.reload();
            }}
          />
          {removing ? (
            <ConfirmDialog
              title={t('deleteStationTitle')}
              text={t('deleteStationIntro', { name: removing.name })}
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

interface StationDraft {
  communeId: string;
  name: string;
  address: string;
  phone: string;
  isIp: boolean;
  establishedOn: string;
}

function StationForm(props: {
  open: boolean;
  station: Station | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const t = useT(messages);
  const c = useT(common);
  const lang = useLang();
  const { me } = useSession();
  const communeScope = me.scope?.level === 'commune' ? me.scope.unitId : '';
  const editing = props.station;
  const [draft, setDraft] = useState<StationDraft>({
    communeId: '',
    name: '',
    address: '',
    phone: '',
    isIp: true,
    establishedOn: '',
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!props.open) return;
    setErrors({});
    setDraft(
      editing
        ? {
            communeId: editing.communeId,
            name: editing.name,
            address: editing.address ?? '',
            phone: editing.phone ?? '',
            isIp: editing.isIp,
            establishedOn: editing.establishedOn ?? '',
          }
        : { communeId: communeScope, name: '', address: '', phone: '', isIp: true, establishedOn: '' },
    );
  }, [props.open, editing?.id]);
  const set = (patch: Partial<StationDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const text = (e: Event) => (e.target as HTMLInputElement).value;

  const submit = async (e: Event) => {
    e.preventDefault();
    const local: FieldErrors = {};
    if (!draft.name.trim()) local.name = t('required');
    if (!draft.communeId) local.communeId = t('communeRequired');
    if (Object.values(local).some(Boolean)) return setErrors(local);
    setBusy(true);
    setErrors({});
    try {
      if (editing) {
        const body: Record<string, unknown> = {};
        if (draft.name.trim() !== editing.name) body.name = draft.name.trim();
        if (draft.address.trim() !== (editing.address ?? '')) body.address = draft.address.trim() || null;
        if (draft.phone.trim() !== (editing.phone ?? '')) body.phone = draft.phone.trim() || null;
        if (draft.isIp !== editing.isIp) body.isIp = draft.isIp;
        if (draft.establishedOn !== (editing.establishedOn ?? ''))
          body.establishedOn = draft.establishedOn || null;
        await api.patch(`/stations/${editing.id}`, body);
      } else {
        await api.post('/stations', {
          communeId: draft.communeId,
          name: draft.name.trim(),
          isIp: draft.isIp,
          ...(draft.address.trim() ? { address: draft.address.trim() } : {}),
          ...(draft.phone.trim() ? { phone: draft.phone.trim() } : {}),
          ...(draft.establishedOn ? { establishedOn: draft.establishedOn } : {}),
        });
      }
      toast(t('stationSaved', { name: draft.name.trim() }));
      props.onSaved();
    } catch (err) {
      const fields = fieldErrors(err, lang);
      if (fields) setErrors(fields);
      else if (err instanceof ApiError && err.status === 409) setErrors({ communeId: t('stationExists') });
      else toastError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={props.open}
      title={editing ? t('editStationTitle') : t('newStationTitle')}
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
        {editing ? (
          <p>
            <span class="muted">{t('commune')}:</span> <strong>{editing.commune?.name ?? '—'}</strong>
          </p>
        ) : communeScope ? null : (
          <UnitPicker
            label={t('commune')}
            value={draft.communeId || null}
            deepest="commune"
            required
            autoSelectSingle
            hint={t('stationCommuneHint')}
            error={errors.communeId}
            onChange={(u) => set({ communeId: u?.level === 'commune' ? u.id : '' })}
          />
        )}
        {editing && errors.communeId ? <p class="error-text">{errors.communeId}</p> : null}
        <Field label={t('stationName')} hint={t('stationNameHint')} error={errors.name} required>
          {(attrs) => (
            <input {...attrs} maxLength={200} value={draft.name} onInput={(e) => set({ name: text(e) })} />
          )}
        </Field>
        <label class="registry-check">
          <input
            type="checkbox"
            checked={draft.isIp}
            onChange={(e) => set({ isIp: (e.target as HTMLInputElement).checked })}
          />
          <span>
            {t('stationIsIp')}
            <small class="hint">{t('stationIsIpHint')}</small>
          </span>
        </label>
        <div class="registry-form-row">
          <Field label={t('phone')} error={errors.phone}>
            {(attrs) => (
              <input
                {...attrs}
                type="tel"
                maxLength={32}
                value={draft.phone}
                onInput={(e) => set({ phone: text(e) })}
              />
            )}
          </Field>
          <Field label={t('establishedOn')} error={errors.establishedOn}>
            {(attrs) => (
              <input
                {...attrs}
                type="date"
                value={draft.establishedOn}
                onInput={(e) => set({ establishedOn: text(e) })}
              />
            )}
          </Field>
        </div>
        <Field label={t('address')} error={errors.address}>
          {(attrs) => (
            <input
              {...attrs}
              maxLength={300}
              value={draft.address}
              onInput={(e) => set({ address: text(e) })}
            />
          )}
        </Field>
        <button type="submit" class="sr-only" tabIndex={-1} aria-hidden="true" />
      </form>
    </Modal>
  );
}
