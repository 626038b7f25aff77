import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { defineMessages, useT } from '../../core/i18n';
import { useSession } from '../../core/session';
import { Field } from '../../ui/components';

/**
 * Where to look: one select per level below the user's scope (province → district → commune → village),
 * each listing the children of the one above. Used as a list filter and as a form field (commune only).
 */
const messages = defineMessages({
  vi: {
    all: 'Tất cả',
    choose: '— Chọn —',
    province: 'Tỉnh',
    district: 'Huyện / thành phố',
    commune: 'Xã / phường',
    village: 'Thôn / bản / tổ dân phố',
  },
  en: {
    all: 'All',
    choose: '— Choose —',
    province: 'Province',
    district: 'District',
    commune: 'Commune',
    village: 'Village',
  },
});

type Level = 'province' | 'district' | 'commune' | 'village';
const LEVELS: Level[] = ['province', 'district', 'commune', 'village'];

interface UnitRow {
  id: string;
  name: string;
  level: Level;
}
interface UnitDetail extends UnitRow {
  ancestors: UnitRow[];
}

export interface UnitSelectProps {
  value: string | undefined;
  onChange: (unitId: string | undefined, unit?: UnitRow) => void;
  /** Lowest level offered (a form may stop at the commune). */
  deepest?: Level;
  /** A form field: the first select says "choose" instead of "all". */
  required?: boolean;
  error?: string;
}

export function UnitSelect(props: UnitSelectProps) {
  const t = useT(messages);
  const { me } = useSession();
  const deepest = LEVELS.indexOf(props.deepest ?? 'village');
  const rootId = me.scope?.unitId ?? null;
  // The chosen unit and its ancestors below the scope, top down.
  const [chain, setChain] = useState<UnitRow[]>([]);
  useEffect(() => {
    if (!props.value) return setChain([]);
    if (chain[chain.length - 1]?.id === props.value) return;
    const controller = new AbortController();
    api
      .get<UnitDetail>(`/units/${props.value}`, undefined, controller.signal)
      .then((unit) => {
        const all = [...unit.ancestors, unit];
        const below = rootId ? all.slice(all.findIndex((u) => u.id === rootId) + 1) : all;
        setChain(below.map((u) => ({ id: u.id, name: u.name, level: u.level })));
      })
      .catch(() => setChain([]));
    return () => controller.abort();
  }, [props.value]);

  const choose = (depth: number, unit: UnitRow | undefined) => {
    const next = unit ? [...chain.slice(0, depth), unit] : chain.slice(0, depth);
    setChain(next);
    const last = next[next.length - 1];
    props.onChange(last?.id, last);
  };

  const rootLevel = me.scope ? LEVELS.indexOf(me.scope.level) : -1;
  const selects = [];
  for (let depth = 0; depth <= chain.length; depth++) {
    const level = rootLevel + 1 + depth;
    if (level > deepest || level >= LEVELS.length) break;
    const parent = depth === 0 ? rootId : chain[depth - 1].id;
    selects.push(
      <LevelSelect
        key={`${depth}-${parent ?? 'root'}`}
        label={t(LEVELS[level])}
        parent={parent}
        value={chain[depth]?.id}
        placeholder={props.required && depth === 0 ? t('choose') : t('all')}
        error={depth === chain.length ? props.error : undefined}
        required={props.required}
        onChange={(unit) => choose(depth, unit)}
      />,
    );
  }
  return <>{selects}</>;
}

function LevelSelect(props: {
  label: string;
  parent: string | null;
  value: string | undefined;
  placeholder: string;
  error?: string;
  required?: boolean;
  onChange: (unit: UnitRow | undefined) => void;
}) {
  const units = useAsync(
    (signal) =>
      props.parent
        ? api.get<Page<UnitRow>>(`/units/${props.parent}/children`, { pageSize: 500 }, signal)
        : api.get<Page<UnitRow>>('/units', { level: 'province', pageSize: 100 }, signal),
    [props.parent],
  );
  const items = units.data?.items ?? [];
  // A village-less commune (or a failed load) offers nothing below: no empty select.
  if (!units.loading && items.length === 0 && !props.value) return null;
  return (
    <Field label={props.label} error={props.error} required={props.required}>
      {(attrs) => (
        <select
          {...attrs}
          value={props.value ?? ''}
          onChange={(e) => {
            const id = (e.target as HTMLSelectElement).value;
            props.onChange(items.find((u) => u.id === id));
          }}
        >
          <option value="">{props.placeholder}</option>
          {items.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
