import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../core/api';
import { defineMessages, useT } from '../core/i18n';
import { useSession } from '../core/session';
import { useId } from './components';
import './unit-picker.css';

/**
 * Chooses an administrative unit by walking down the tree: province → district → commune → village, one
 * select per level, starting below the signed-in user's scope (which is fixed and shown as text). Works for
 * the pre-2025 tree (with districts) and the post-2025 one (communes right below the province) alike.
 */
export type UnitLevel = 'province' | 'district' | 'commune' | 'village';
const DEPTH: Record<UnitLevel, number> = { province: 0, district: 1, commune: 2, village: 3 };

export interface PickedUnit {
  id: string;
  name: string;
  level: UnitLevel;
}

interface UnitRow extends PickedUnit {
  era?: string;
}

const messages = defineMessages({
  vi: {
    province: 'Tỉnh, thành phố',
    district: 'Quận, huyện, thị xã, thành phố',
    commune: 'Xã, phường, thị trấn',
    village: 'Thôn, bản, tổ dân phố',
    choose: '— Chọn —',
    whole: '— Toàn bộ {name} —',
    post2025: '{name} (từ 01/07/2025)',
    loading: 'Đang tải…',
    loadFailed: 'Không tải được danh sách đơn vị.',
    wholeServer: 'Toàn hệ thống',
  },
  en: {
    province: 'Province',
    district: 'District',
    commune: 'Commune',
    village: 'Village',
    choose: '— Choose —',
    whole: '— All of {name} —',
    post2025: '{name} (since 1 July 2025)',
    loading: 'Loading…',
    loadFailed: 'Could not load the units.',
    wholeServer: 'Whole server',
  },
});

/** Children lists already fetched, shared by every picker on the page ('' = the provinces). */
const cache = new Map<string, Promise<UnitRow[]>>();

function loadChildren(parentId: string): Promise<UnitRow[]> {
  let hit = cache.get(parentId);
  if (!hit) {
    hit = (
      parentId
        ? api.get<Page<UnitRow>>(`/units/${parentId}/children`, { pageSize: 500 })
        : Promise.all([
            api.get<Page<UnitRow>>('/units', { level: 'province', era: 'pre_2025', pageSize: 500 }),
            api.get<Page<UnitRow>>('/units', { level: 'province', era: 'post_2025', pageSize: 500 }),
          ]).then(([a, b]) => ({ ...a, items: [...a.items, ...b.items] }))
    ).then((page) => page.items.map((u) => ({ id: u.id, name: u.name, level: u.level, era: u.era })));
    hit.catch(() => cache.delete(parentId));
    cache.set(parentId, hit);
  }
  return hit;
}

export function UnitPicker(props: {
  label: string;
  /** The chosen unit's id; null: nothing chosen (for a scoped user: their whole scope). */
  value: string | null;
  onChange: (unit: PickedUnit | null) => void;
  /** The deepest level offered (default commune). */
  deepest?: UnitLevel;
  hint?: string;
  error?: string;
  required?: boolean;
  /** Choose the only province at once when the server has just one (administrators). */
  autoSelectSingle?: boolean;
  disabled?: boolean;
}) {
  const t = useT(messages);
  const { me } = useSession();
  const id = useId('unit');
  const deepest = DEPTH[props.deepest ?? 'commune'];
  const root: PickedUnit | null = me.scope
    ? { id: me.scope.unitId, name: me.scope.name, level: me.scope.level }
    : null;
  /** The units chosen below the root, top down. */
  const [chain, setChain] = useState<PickedUnit[]>([]);
  const [lists, setLists] = useState<Record<string, UnitRow[] | 'error'>>({});

  const want = (parentId: string) => {
    if (lists[parentId] !== undefined) return;
    loadChildren(parentId).then(
      (rows) => setLists((l) => ({ ...l, [parentId]: rows })),
      () => setLists((l) => ({ ...l, [parentId]: 'error' })),
    );
  };

  // Follow the value from outside: rebuild the chain from the unit's ancestors when it is not ours.
  useEffect(() => {
    const current = chain.length ? chain[chain.length - 1].id : (root?.id ?? null);
    if (props.value === current) return;
    if (!props.value || props.value === root?.id) {
      setChain([]);
      return;
    }
    const controller = new AbortController();
    api
      .get<PickedUnit & { ancestors: PickedUnit[] }>(`/units/${props.value}`, undefined, controller.signal)
      .then((unit) => {
        const line = [...unit.ancestors, unit].map((u) => ({ id: u.id, name: u.name, level: u.level }));
        const start = root ? line.findIndex((u) => u.id === root.id) + 1 : 0;
        setChain(line.slice(start));
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [props.value]);

  // The lists the selects need: the root's children, then each chosen unit's.
  const parents: (PickedUnit | null)[] = [root, ...chain];
  const selects = parents
    .map((parent, i) => ({ parent, i }))
    .filter(({ parent }) => (parent ? DEPTH[parent.level] < deepest : true));
  useEffect(() => {
    for (const { parent } of selects) want(parent?.id ?? '');
  }, [selects.map((s) => s.parent?.id ?? '').join()]);

  // One province on the server: an administrator has nothing to choose there.
  const provinces = lists[''];
  useEffect(() => {
    if (props.autoSelectSingle && !root && !props.value && Array.isArray(provinces) && provinces.length === 1)
      choose(0, provinces[0]);
  }, [provinces]);

  function choose(index: number, unit: PickedUnit | null) {
    const next = unit ? [...chain.slice(0, index), unit] : chain.slice(0, index);
    setChain(next);
    props.onChange(next.length ? next[next.length - 1] : root);
  }

  return (
    <fieldset
      class={`unit-picker${props.error ? ' field-invalid' : ''}`}
      aria-describedby={
        [props.hint && selects.length > 0 ? `${id}-hint` : '', props.error ? `${id}-error` : '']
          .filter(Boolean)
          .join(' ') || undefined
      }
      disabled={props.disabled}
    >
      <legend>
        {props.label}
        {props.required ? (
          <span class="required" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </legend>
      {root ? <p class="unit-picker-root">{root.name}</p> : null}
      <div class="unit-picker-levels">
        {selects.map(({ parent, i }) => {
          const list = lists[parent?.id ?? ''];
          if (Array.isArray(list) && list.length === 0) return null;
          const level: UnitLevel =
            Array.isArray(list) && list[0] ? list[0].level : parent ? 'district' : 'province';
          const chosen = chain[i]?.id ?? '';
          return (
            <div class="field" key={parent?.id ?? 'root'}>
              <label for={`${id}-${i}`}>{t(level)}</label>
              <select
                id={`${id}-${i}`}
                value={chosen}
                disabled={!Array.isArray(list)}
                aria-invalid={props.error ? 'true' : undefined}
                onChange={(e) => {
                  const value = (e.target as HTMLSelectElement).value;
                  const unit = Array.isArray(list) ? list.find((u) => u.id === value) : undefined;
                  choose(i, unit ? { id: unit.id, name: unit.name, level: unit.level } : null);
                }}
              >
                {list === undefined ? <option value="">{t('loading')}</option> : null}
                {list === 'error' ? <option value="">{t('loadFailed')}</option> : null}
                {Array.isArray(list) ? (
                  <option value="">{parent ? t('whole', { name: parent.name }) : t('choose')}</option>
                ) : null}
                {Array.isArray(list)
                  ? list.map((u) => (
                      <option key={u.id} value={u.id}>
                        {u.era === 'post_2025' ? t('post2025', { name: u.name }) : u.name}
                      </option>
                    ))
                  : null}
              </select>
            </div>
          );
        })}
      </div>
      {props.hint && selects.length > 0 ? (
        <small id={`${id}-hint`} class="hint">
          {props.hint}
        </small>
      ) : null}
      {props.error ? (
        <small id={`${id}-error`} class="error-text" role="alert">
          {props.error}
        </small>
      ) : null}
    </fieldset>
  );
}
