import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Page } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { useLang, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { useSession } from '../../core/session';
import { Button, Field, Modal, toast, toastError } from '../../ui/components';
import { UnitPicker } from '../../ui/UnitPicker';
import { woMessages } from './workorders-messages';
import {
  fieldMessage,
  KIND_WORDS,
  KINDS,
  parseVnd,
  PROGRAMME_WORDS,
  PROGRAMMES,
  type ClusterRef,
  type Kind,
  type WorkOrderDetail,
} from './workorders-model';

interface Draft {
  kind: Kind;
  title: string;
  communeId: string;
  villageId: string;
  fmClusterId: string;
  fundingProgramme: string;
  plannedStart: string;
  plannedEnd: string;
  plannedCost: string;
  notes: string;
}

const EMPTY: Draft = {
  kind: 'new_station',
  title: '',
  communeId: '',
  villageId: '',
  fmClusterId: '',
  fundingProgramme: '',
  plannedStart: '',
  plannedEnd: '',
  plannedCost: '',
  notes: '',
};

/** Proposes a work order; the server's field errors appear next to their fields. */
export function WorkOrderForm(props: {
  open: boolean;
  initial?: Partial<Draft>;
  onClose: () => void;
  onCreated: (order: WorkOrderDetail) => void;
}) {
  const t = useT(woMessages);
  const c = useT(common);
  const lang = useLang();
  const { me } = useSession();
  const communeScope = me.scope?.level === 'commune' ? me.scope.unitId : '';
  const [draft, setDraft] = useState<Draft>({ ...EMPTY, communeId: communeScope });
  // The unit last picked (a district on the way to a commune too), so the picker keeps its place.
  const [place, setPlace] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (props.open) {
      setDraft({ ...EMPTY, communeId: communeScope, ...props.initial });
      setPlace(props.initial?.communeId || null);
      setErrors({});
    }
  }, [props.open]);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const value = (e: Event) => (e.target as HTMLInputElement).value;

  const submit = async (e: Event) => {
    e.preventDefault();
    const cost = parseVnd(draft.plannedCost);
    const local: Record<string, string | undefined> = {};
    if (!draft.title.trim()) local.title = t('titleRequired');
    if (!draft.communeId) local.communeId = t('communeRequired');
    if (draft.kind === 'expansion' && !draft.villageId) local.villageId = t('villageRequired');
    if (!draft.fundingProgramme) local.fundingProgramme = t('programmeRequired');
    if (cost === undefined) local.plannedCostVnd = t('costInvalid');
    if (Object.keys(local).length) return setErrors(local);
    const body = {
      kind: draft.kind,
      title: draft.title.trim(),
      communeId: draft.communeId,
      villageId: draft.villageId || undefined,
      fmClusterId: draft.kind === 'replacement' ? draft.fmClusterId || undefined : undefined,
      fundingProgramme: draft.fundingProgramme,
      plannedStart: draft.plannedStart || undefined,
      plannedEnd: draft.plannedEnd || undefined,
      plannedCostVnd: cost ?? undefined,
      notes: draft.notes.trim() || undefined,
    };
    setBusy(true);
    setErrors({});
    try {
      const created = await api.post<WorkOrderDetail>('/work-orders', body);
      toast(t('created', { code: created.code }));
      props.onCreated(created);
    } catch (err) {
      if (err instanceof ApiError && err.fields.length) {
        const next: Record<string, string | undefined> = {};
        for (const f of err.fields) next[f.field.split('.')[0]] ??= fieldMessage(f, lang);
        setErrors(next);
        toast(t('formError'), 'bad');
      } else toastError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={props.open}
      title={t('formTitle')}
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
      <form class="wo-form" onSubmit={submit} noValidate>
        <Field label={t('kind')} error={errors.kind} required>
          {(attrs) => (
            <select {...attrs} value={draft.kind} onChange={(e) => set({ kind: value(e) as Kind })}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_WORDS[k][lang]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('fieldTitle')} hint={t('fieldTitleHint')} error={errors.title} required>
          {(attrs) => (
            <input {...attrs} maxLength={200} value={draft.title} onInput={(e) => set({ title: value(e) })} />
          )}
        </Field>
        {communeScope ? null : (
          <div class="wo-form-place">
            <UnitPicker
              label={t('commune')}
              value={place}
              deepest="commune"
              required
              autoSelectSingle
              error={errors.communeId}
              onChange={(unit) => {
                setPlace(unit?.id ?? null);
                set({
                  communeId: unit?.level === 'commune' ? unit.id : '',
                  villageId: '',
                  fmClusterId: '',
                });
              }}
            />
          </div>
        )}
        <VillageField
          communeId={draft.communeId}
          value={draft.villageId}
          required={draft.kind === 'expansion'}
          error={errors.villageId}
          onChange={(villageId) => set({ villageId })}
        />
        {draft.kind === 'replacement' ? (
          <FmClusterField
            communeId={draft.communeId}
            value={draft.fmClusterId}
            error={errors.fmClusterId}
            onChange={(fmClusterId) => set({ fmClusterId })}
          />
        ) : null}
        <Field label={t('fieldProgramme')} error={errors.fundingProgramme} required>
          {(attrs) => (
            <select
              {...attrs}
              value={draft.fundingProgramme}
              onChange={(e) => set({ fundingProgramme: value(e) })}
            >
              <option value="">{t('choose')}</option>
              {PROGRAMMES.map((p) => (
                <option key={p} value={p}>
                  {PROGRAMME_WORDS[p][lang]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div class="wo-form-row">
          <Field label={t('fieldStart')} error={errors.plannedStart}>
            {(attrs) => (
              <input
                {...attrs}
                type="date"
                value={draft.plannedStart}
                onInput={(e) => set({ plannedStart: value(e) })}
              />
            )}
          </Field>
          <Field label={t('fieldEnd')} error={errors.plannedEnd}>
            {(attrs) => (
              <input
                {...attrs}
                type="date"
                value={draft.plannedEnd}
                onInput={(e) => set({ plannedEnd: value(e) })}
              />
            )}
          </Field>
        </div>
        <Field label={t('fieldCost')} hint={t('fieldCostHint')} error={errors.plannedCostVnd}>
          {(attrs) => (
            <input
              {...attrs}
              inputMode="numeric"
              value={draft.plannedCost}
              onInput={(e) => set({ plannedCost: value(e) })}
            />
          )}
        </Field>
        <Field label={t('fieldNotes')} error={errors.notes}>
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
      </form>
    </Modal>
  );
}

function VillageField(props: {
  communeId: string;
  value: string;
  required: boolean;
  error?: string;
  onChange: (id: string) => void;
}) {
  const t = useT(woMessages);
  const villages = useAsync(
    (signal) =>
      props.communeId
        ? api.get<Page<{ id: string; name: string }>>(
            `/units/${props.communeId}/children`,
            { pageSize: 500 },
            signal,
          )
        : Promise.resolve(undefined),
    [props.communeId],
  );
  return (
    <Field
      label={t('fieldVillage')}
      hint={props.required ? undefined : t('fieldVillageHint')}
      error={props.error}
      required={props.required}
    >
      {(attrs) => (
        <select
          {...attrs}
          disabled={!props.communeId}
          value={props.value}
          onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
        >
          <option value="">
            {!props.communeId ? t('chooseCommuneFirst') : props.required ? t('choose') : t('noVillage')}
          </option>
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

function FmClusterField(props: {
  communeId: string;
  value: string;
  error?: string;
  onChange: (id: string) => void;
}) {
  const t = useT(woMessages);
  const clusters = useAsync(
    (signal) =>
      props.communeId
        ? api.get<Page<ClusterRef>>(
            '/clusters',
            { unitId: props.communeId, kind: 'fm_wired,fm_wireless', lifecycle: 'faulty', pageSize: 500 },
            signal,
          )
        : Promise.resolve(undefined),
    [props.communeId],
  );
  const items = clusters.data?.items ?? [];
  return (
    <Field
      label={t('fieldFm')}
      error={props.error ?? (clusters.data && items.length === 0 ? t('noFmClusters') : undefined)}
      required
    >
      {(attrs) => (
        <select
          {...attrs}
          disabled={!props.communeId}
          value={props.value}
          onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
        >
          <option value="">{props.communeId ? t('choose') : t('chooseCommuneFirst')}</option>
          {items.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.code})
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
