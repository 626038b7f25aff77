import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Page } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { useLang, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { useSession } from '../../core/session';
import { Button, Field, Modal, toast, toastError } from '../../ui/components';
import { UnitPicker } from '../../ui/UnitPicker';
import { fieldErrors, type FieldErrors } from './form-errors';
import { messages } from './messages';
import {
  clusterBody,
  coordinateProblem,
  coordinateProblems,
  draftOf,
  EMPTY_DRAFT,
  KIND_WORDS,
  KINDS,
  lifecycleOptions,
  LIFECYCLE_WORDS,
  outsideVietnam,
  parseCoordinate,
  retiresCredential,
  type Cluster,
  type ClusterDraft,
  type Credential,
  type Kind,
  type Lifecycle,
} from './registry-model';
import type { Station } from './types';

export interface SavedCluster {
  cluster: Cluster;
  credential: Credential | null;
}

/** Registers a cluster or changes one; the server's field errors appear next to their fields. */
export function ClusterForm(props: {
  open: boolean;
  /** null: a new cluster. */
  cluster: Cluster | null;
  onClose: () => void;
  onSaved: (saved: SavedCluster) => void;
}) {
  const t = useT(messages);
  const c = useT(common);
  const lang = useLang();
  const { me } = useSession();
  const communeScope = me.scope?.level === 'commune' ? me.scope.unitId : '';
  const editing = props.cluster;
  const [draft, setDraft] = useState<ClusterDraft>(EMPTY_DRAFT);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [locating, setLocating] = useState(false);
  useEffect(() => {
    if (!props.open) return;
    setDraft(editing ? draftOf(editing) : { ...EMPTY_DRAFT, communeId: communeScope });
    setErrors({});
  }, [props.open, editing?.id]);
  const set = (patch: Partial<ClusterDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const text = (e: Event) => (e.target as HTMLInputElement).value;

  const coordWords = (problem: string | undefined) =>
    problem ? t(`coord_${problem}` as 'coord_paired') : undefined;
  const lat = parseCoordinate(draft.latitude);
  const lon = parseCoordinate(draft.longitude);
  const farAway = outsideVietnam(lat, lon);
  const retiring = retiresCredential(draft.kind, editing?.lifecycle ?? null, draft.lifecycle);

  const submit = async (e: Event) => {
    e.preventDefault();
    const local: FieldErrors = {};
    if (!draft.code.trim()) local.code = t('required');
    if (!draft.name.trim()) local.name = t('required');
    if (!draft.communeId) local.communeId = t('communeRequired');
    const coords = coordinateProblems(draft.latitude, draft.longitude);
    local.latitude = coordWords(coords.latitude);
    local.longitude = coordWords(coords.longitude);
    if (Object.values(local).some(Boolean)) {
      setErrors(local);
      toast(t('formInvalid'), 'bad');
      return;
    }
    const body = clusterBody(draft, editing);
    if (editing && Object.keys(body).length === 0) {
      props.onClose();
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      if (editing) {
        const cluster = await api.patch<Cluster>(`/clusters/${editing.id}`, body);
        toast(t('clusterSaved', { name: cluster.name }));
        props.onSaved({ cluster, credential: null });
      } else {
        const created = await api.post<{ cluster: Cluster; credential: Credential | null }>(
          '/clusters',
          body,
        );
        toast(t('clusterCreated', { name: created.cluster.name }));
        props.onSaved(created);
      }
    } catch (err) {
      const fields = fieldErrors(err, lang);
      if (fields) {
        setErrors(fields);
        toast(t('formInvalid'), 'bad');
      } else if (err instanceof ApiError && err.status === 409) {
        // A taken code or a refused lifecycle move: say it next to the field concerned.
        const lifecycle = /lifecycle/i.test(err.message);
        setErrors(lifecycle ? { lifecycle: t('lifecycleRefused') } : { code: t('codeTaken') });
        toast(t('formInvalid'), 'bad');
      } else toastError(err);
    } finally {
      setBusy(false);
    }
  };

  const locate = () => {
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        set({
          latitude: pos.coords.latitude.toFixed(6),
          longitude: pos.coords.longitude.toFixed(6),
        });
      },
      () => {
        setLocating(false);
        toast(t('locateFailed'), 'warn');
      },
      { enableHighAccuracy: true, timeout: 20_000 },
    );
  };
  const canLocate = typeof navigator !== 'undefined' && 'geolocation' in navigator && window.isSecureContext;

  return (
    <Modal
      open={props.open}
      wide
      title={editing ? t('editClusterTitle', { name: editing.name }) : t('newClusterTitle')}
      onClose={props.onClose}
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose}>
            {c('cancel')}
          </Button>
          <Button variant="primary" busy={busy} onClick={submit}>
            {editing ? c('save') : t('register')}
          </Button>
        </>
      }
    >
      <form class="registry-form" onSubmit={submit} noValidate>
        <div class="registry-form-row">
          <Field label={t('code')} hint={t('codeHint')} error={errors.code} required>
            {(attrs) => (
              <input
                {...attrs}
                maxLength={64}
                autoComplete="off"
                spellcheck={false}
                value={draft.code}
                onInput={(e) => set({ code: text(e) })}
              />
            )}
          </Field>
          <Field label={t('name')} hint={t('nameHint')} error={errors.name} required>
            {(attrs) => (
              <input {...attrs} maxLength={200} value={draft.name} onInput={(e) => set({ name: text(e) })} />
            )}
          </Field>
        </div>
        <div class="registry-form-row">
          <Field
            label={t('kind')}
            hint={editing ? t('kindFixed') : t('kindHint')}
            error={errors.kind}
            required
          >
            {(attrs) => (
              <select
                {...attrs}
                value={draft.kind}
                disabled={!!editing}
                onChange={(e) => set({ kind: text(e) as Kind })}
              >
                {KINDS.map((k) => (
                  <option key={k} value={k}>
                    {KIND_WORDS[k][lang]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label={t('lifecycle')}
            hint={editing ? t('lifecycleHintEdit') : t('lifecycleHint')}
            error={errors.lifecycle}
            required
          >
            {(attrs) => (
              <select
                {...attrs}
                value={draft.lifecycle}
                onChange={(e) => set({ lifecycle: text(e) as Lifecycle })}
              >
                {lifecycleOptions(editing?.lifecycle ?? null).map((l) => (
                  <option key={l} value={l}>
                    {LIFECYCLE_WORDS[l][lang]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        {retiring ? (
          <p class="notice notice-warn" role="note">
            {t('retireWarning')}
          </p>
        ) : null}
        {draft.kind !== 'ip' ? (
          <label class="registry-check">
            <input
              type="checkbox"
              checked={draft.ipConnected}
              onChange={(e) => set({ ipConnected: (e.target as HTMLInputElement).checked })}
            />
            <span>
              {t('ipConnected')}
              <small class="hint">{t('ipConnectedHint')}</small>
              {errors.ipConnected ? (
                <small class="error-text" role="alert">
                  {errors.ipConnected}
                </small>
              ) : null}
            </span>
          </label>
        ) : null}

        <h3 class="registry-form-section">{t('placeSection')}</h3>
        {communeScope ? null : (
          <UnitPicker
            label={t('commune')}
            value={draft.communeId || null}
            deepest="commune"
            required
            autoSelectSingle
            error={errors.communeId}
            onChange={(unit) =>
              set({
                communeId: unit?.level === 'commune' ? unit.id : '',
                villageId: '',
                stationId: '',
              })
            }
          />
        )}
        <div class="registry-form-row">
          <VillageSelect
            communeId={draft.communeId}
            value={draft.villageId}
            error={errors.villageId}
            onChange={(villageId) => set({ villageId })}
          />
          <StationSelect
            communeId={draft.communeId}
            value={draft.stationId}
            editing={!!editing}
            error={errors.stationId}
            onChange={(stationId) => set({ stationId })}
          />
        </div>
        <div class="registry-form-row registry-coords">
          <Field label={t('latitude')} hint={t('latitudeHint')} error={errors.latitude}>
            {(attrs) => (
              <input
                {...attrs}
                inputMode="decimal"
                autoComplete="off"
                value={draft.latitude}
                onInput={(e) => set({ latitude: text(e) })}
                onBlur={() =>
                  setErrors((er) => ({
                    ...er,
                    latitude: coordWords(coordinateProblem(draft.latitude, 'latitude')),
                  }))
                }
              />
            )}
          </Field>
          <Field label={t('longitude')} hint={t('longitudeHint')} error={errors.longitude}>
            {(attrs) => (
              <input
                {...attrs}
                inputMode="decimal"
                autoComplete="off"
                value={draft.longitude}
                onInput={(e) => set({ longitude: text(e) })}
                onBlur={() =>
                  setErrors((er) => ({
                    ...er,
                    longitude: coordWords(coordinateProblem(draft.longitude, 'longitude')),
                  }))
                }
              />
            )}
          </Field>
          {canLocate ? (
            <Button variant="secondary" busy={locating} onClick={locate}>
              {t('useMyPosition')}
            </Button>
          ) : null}
        </div>
        {farAway ? (
          <p class="notice notice-warn" role="status">
            {t('outsideVietnam')}
          </p>
        ) : null}

        <details class="registry-more" open={!!editing}>
          <summary>{t('deviceSection')}</summary>
          <div class="registry-form-row">
            <Field label={t('vendor')} error={errors.vendor}>
              {(attrs) => (
                <input
                  {...attrs}
                  maxLength={64}
                  value={draft.vendor}
                  onInput={(e) => set({ vendor: text(e) })}
                />
              )}
            </Field>
            <Field label={t('model')} error={errors.model}>
              {(attrs) => (
                <input
                  {...attrs}
                  maxLength={64}
                  value={draft.model}
                  onInput={(e) => set({ model: text(e) })}
                />
              )}
            </Field>
            <Field label={t('serial')} error={errors.serial}>
              {(attrs) => (
                <input
                  {...attrs}
                  maxLength={64}
                  value={draft.serial}
                  onInput={(e) => set({ serial: text(e) })}
                />
              )}
            </Field>
          </div>
          <div class="registry-form-row">
            <Field label={t('msisdn')} hint={t('msisdnHint')} error={errors.msisdn}>
              {(attrs) => (
                <input
                  {...attrs}
                  type="tel"
                  maxLength={20}
                  value={draft.msisdn}
                  onInput={(e) => set({ msisdn: text(e) })}
                />
              )}
            </Field>
            <Field label={t('iccid')} hint={t('iccidHint')} error={errors.iccid}>
              {(attrs) => (
                <input
                  {...attrs}
                  inputMode="numeric"
                  maxLength={22}
                  value={draft.iccid}
                  onInput={(e) => set({ iccid: text(e) })}
                />
              )}
            </Field>
            <Field label={t('installedOn')} error={errors.installedOn}>
              {(attrs) => (
                <input
                  {...attrs}
                  type="date"
                  value={draft.installedOn}
                  onInput={(e) => set({ installedOn: text(e) })}
                />
              )}
            </Field>
          </div>
          <Field label={t('address')} hint={t('addressHint')} error={errors.address}>
            {(attrs) => (
              <input
                {...attrs}
                maxLength={300}
                value={draft.address}
                onInput={(e) => set({ address: text(e) })}
              />
            )}
          </Field>
          <Field label={t('notes')} error={errors.notes}>
            {(attrs) => (
              <textarea
                {...attrs}
                rows={3}
                maxLength={2000}
                value={draft.notes}
                onInput={(e) => set({ notes: (e.target as HTMLTextAreaElement).value })}
              />
            )}
          </Field>
        </details>
        {/* Enter in a field submits: the footer's buttons are outside the form. */}
        <button type="submit" class="sr-only" tabIndex={-1} aria-hidden="true" />
      </form>
    </Modal>
  );
}

function VillageSelect(props: {
  communeId: string;
  value: string;
  error?: string;
  onChange: (id: string) => void;
}) {
  const t = useT(messages);
  const villages = useAsync(
    (signal) =>
      props.communeId
        ? api.get<Page<{ id: string; name: string }>>(
            `/units/${props.communeId}/children`,
            { pageSize: 500, sort: 'name' },
            signal,
          )
        : Promise.resolve(undefined),
    [props.communeId],
  );
  return (
    <Field label={t('village')} hint={t('villageHint')} error={props.error}>
      {(attrs) => (
        <select
          {...attrs}
          disabled={!props.communeId}
          value={props.value}
          onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
        >
          <option value="">{props.communeId ? t('noVillage') : t('chooseCommuneFirst')}</option>
          {(villages.data?.items ?? []).map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function StationSelect(props: {
  communeId: string;
  value: string;
  editing: boolean;
  error?: string;
  onChange: (id: string) => void;
}) {
  const t = useT(messages);
  const stations = useAsync(
    (signal) =>
      props.communeId
        ? api.get<Page<Station>>('/stations', { unitId: props.communeId, pageSize: 100 }, signal)
        : Promise.resolve(undefined),
    [props.communeId],
  );
  const items = stations.data?.items ?? [];
  return (
    <Field
      label={t('station')}
      hint={stations.data && items.length === 0 ? t('noStationYet') : t('stationHint')}
      error={props.error}
    >
      {(attrs) => (
        <select
          {...attrs}
          disabled={!props.communeId}
          value={props.value}
          onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
        >
          <option value="">{props.editing ? t('stationNone') : t('stationDefault')}</option>
          {items.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
