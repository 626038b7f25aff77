import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Page } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { useLang, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { useSession } from '../../core/session';
import { Button, ErrorNotice, Field, Loading, Modal, toast, toastError } from '../../ui/components';
import { fieldErrors, type FieldErrors } from './form-errors';
import { messages } from './messages';
import { nextVillageCode, VILLAGE_TYPES } from './units-model';
import type { Unit } from './types';

/**
 * The administrative tree (province → district → commune → village), opened level by level below my
 * scope. Read-only except that a commune's villages can be added (units.write).
 */
export function UnitsTab() {
  const t = useT(messages);
  const { me } = useSession();
  const roots = useAsync(async (signal): Promise<Unit[]> => {
    if (me.scope) return [await api.get<Unit>(`/units/${me.scope.unitId}`, undefined, signal)];
    const [pre, post] = await Promise.all([
      api.get<Page<Unit>>('/units', { level: 'province', era: 'pre_2025', pageSize: 500 }, signal),
      api.get<Page<Unit>>('/units', { level: 'province', era: 'post_2025', pageSize: 500 }, signal),
    ]);
    return [...pre.items, ...post.items];
  }, []);
  return (
    <section aria-labelledby="registry-units-title">
      <div class="registry-toolbar">
        <h2 id="registry-units-title">{t('unitsTitle')}</h2>
      </div>
      <p class="muted">{t('unitsIntro')}</p>
      {roots.error ? <ErrorNotice error={roots.error} onRetry={roots.reload} /> : null}
      {roots.loading && !roots.data ? <Loading /> : null}
      {roots.data ? (
        <ul class="registry-tree" aria-label={t('unitsTitle')}>
          {roots.data.map((u) => (
            <UnitNode key={u.id} unit={u} open={roots.data!.length === 1} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function UnitNode(props: { unit: Unit; open?: boolean }) {
  const t = useT(messages);
  const lang = useLang();
  const { can } = useSession();
  const u = props.unit;
  const leaf = u.level === 'village';
  const [open, setOpen] = useState(!!props.open);
  const [adding, setAdding] = useState(false);
  const [nonce, setNonce] = useState(0);
  const children = useAsync(
    (signal) =>
      open && !leaf
        ? api.get<Page<Unit>>(`/units/${u.id}/children`, { pageSize: 500, sort: 'code' }, signal)
        : Promise.resolve(undefined),
    [open, nonce],
  );
  const items = children.data?.items ?? [];
  const label = `${u.name}${u.era === 'post_2025' ? ` ${t('post2025')}` : ''}`;
  return (
    <li class={`registry-node registry-node-${u.level}`}>
      <div class="registry-node-row">
        {leaf ? (
          <span class="registry-node-leaf" aria-hidden="true" />
        ) : (
          <button
            type="button"
            class="registry-node-toggle"
            aria-expanded={open}
            aria-label={`${open ? t('collapse') : t('expand')}: ${u.name}`}
            onClick={() => setOpen(!open)}
          >
            <span aria-hidden="true">{open ? '−' : '+'}</span>
          </button>
        )}
        <span class="registry-node-name">{label}</span>
        <small class="muted registry-node-meta">
          {lang === 'vi' && u.type ? u.type : t(`level_${u.level}` as 'level_commune')} · {t('codeShort')}{' '}
          {u.code}
          {children.data && open ? ` · ${t('childCount', { n: children.data.total })}` : ''}
        </small>
        {u.level === 'commune' && can('units.write') ? (
          <Button
            variant="ghost"
            aria-label={`${t('addVillage')}: ${u.name}`}
            onClick={() => setAdding(true)}
          >
            {t('addVillage')}
          </Button>
        ) : null}
      </div>
      {open && !leaf ? (
        children.error ? (
          <ErrorNotice error={children.error} onRetry={children.reload} />
        ) : children.loading && !children.data ? (
          <Loading />
        ) : items.length === 0 ? (
          <p class="muted registry-node-empty">{t('noChildren')}</p>
        ) : (
          <ul>
            {items.map((child) => (
              <UnitNode key={child.id} unit={child} />
            ))}
          </ul>
        )
      ) : null}
      {adding ? (
        <VillageForm
          commune={u}
          lang={lang}
          onClose={() => setAdding(false)}
          onCreated={() => {
            setAdding(false);
            setOpen(true);
            setNonce((n) => n + 1);
          }}
        />
      ) : null}
    </li>
  );
}

function VillageForm(props: {
  commune: Unit;
  lang: 'vi' | 'en';
  onClose: () => void;
  onCreated: () => void;
}) {
  const t = useT(messages);
  const c = useT(common);
  const commune = props.commune;
  const siblings = useAsync(
    (signal) => api.get<Page<Unit>>(`/units/${commune.id}/children`, { pageSize: 500 }, signal),
    [commune.id],
  );
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [type, setType] = useState<string>(VILLAGE_TYPES[0].vi);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  // Suggest the next free code once the commune's villages are known.
  useEffect(() => {
    if (siblings.data && !code)
      setCode(
        nextVillageCode(
          commune.code,
          siblings.data.items.map((v) => v.code),
        ),
      );
  }, [siblings.data]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const local: FieldErrors = {};
    if (!code.trim()) local.code = t('required');
    if (!name.trim()) local.name = t('required');
    if (Object.values(local).some(Boolean)) return setErrors(local);
    setBusy(true);
    setErrors({});
    try {
      await api.post('/units', {
        level: 'village',
        parentId: commune.id,
        code: code.trim(),
        name: name.trim(),
        type,
      });
      toast(t('villageCreated', { name: name.trim() }));
      props.onCreated();
    } catch (err) {
      const fields = fieldErrors(err, props.lang);
      if (fields) setErrors(fields);
      else if (err instanceof ApiError && err.status === 409) setErrors({ code: t('villageCodeTaken') });
      else toastError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('addVillageTitle', { name: commune.name })}
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
        <div class="registry-form-row">
          <Field label={t('villageType')} error={errors.type}>
            {(attrs) => (
              <select
                {...attrs}
                value={type}
                onChange={(e) => setType((e.target as HTMLSelectElement).value)}
              >
                {VILLAGE_TYPES.map((v) => (
                  <option key={v.vi} value={v.vi}>
                    {v[props.lang]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('villageName')} hint={t('villageNameHint')} error={errors.name} required>
            {(attrs) => (
              <input
                {...attrs}
                maxLength={200}
                value={name}
                onInput={(e) => setName((e.target as HTMLInputElement).value)}
              />
            )}
          </Field>
        </div>
        <Field label={t('villageCode')} hint={t('villageCodeHint')} error={errors.code} required>
          {(attrs) => (
            <input
              {...attrs}
              maxLength={16}
              spellcheck={false}
              autoComplete="off"
              value={code}
              onInput={(e) => setCode((e.target as HTMLInputElement).value)}
            />
          )}
        </Field>
        <button type="submit" class="sr-only" tabIndex={-1} aria-hidden="true" />
      </form>
    </Modal>
  );
}
