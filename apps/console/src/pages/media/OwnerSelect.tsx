import { useEffect } from 'preact/hooks';
import { api, type Page } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { useT } from '../../core/i18n';
import { Field } from '../../ui/components';
import { messages } from './messages';

interface Unit {
  id: string;
  name: string;
  type: string | null;
}

/**
 * Someone without a scope (a server administrator) must say which unit owns an upload; a province is the
 * natural owner (its communes all see it). Everyone else uploads for their own unit.
 */
export function OwnerSelect(props: { value: string | undefined; onChange: (id: string) => void }) {
  const t = useT(messages);
  const units = useAsync(
    (signal) => api.get<Page<Unit>>('/units', { level: 'province', pageSize: 100 }, signal),
    [],
  );
  const items = units.data?.items ?? [];
  useEffect(() => {
    if (!props.value && items.length > 0) props.onChange(items[0].id);
  }, [items.length]);
  if (items.length === 0) return null;
  return (
    <Field label={t('owner')}>
      {(attrs) => (
        <select {...attrs} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
          {items.map((u) => (
            <option key={u.id} value={u.id}>
              {u.type && !u.name.startsWith(u.type) ? `${u.type} ${u.name}` : u.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
