import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { useT } from '../../core/i18n';
import { Field } from '../../ui/components';
import { messages } from './messages';
import type { UnitRef } from './types';

/** For people above a commune: find a commune by name and pick it. */
export function CommunePicker(props: {
  value: string | null;
  current: UnitRef | null;
  onChange: (id: string) => void;
}) {
  const t = useT(messages);
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const id = setTimeout(() => setQ(text.trim()), 300);
    return () => clearTimeout(id);
  }, [text]);
  const found = useAsync(
    (signal) =>
      api.get<Page<UnitRef>>(
        '/units',
        { level: 'commune', q: q || undefined, pageSize: 50, sort: 'name' },
        signal,
      ),
    [q],
  );
  const items = found.data?.items ?? [];
  const options =
    props.current && !items.some((u) => u.id === props.current?.id) ? [props.current, ...items] : items;
  return (
    <div class="filters sched-commune">
      <Field label={t('communeSearch')}>
        {(attrs) => (
          <input
            {...attrs}
            type="search"
            placeholder={t('communeSearchPlaceholder')}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        )}
      </Field>
      <Field label={t('commune')}>
        {(attrs) => (
          <select
            {...attrs}
            value={props.value ?? ''}
            onChange={(e) => props.onChange(e.currentTarget.value)}
          >
            {props.value ? null : <option value="">{t('communeChoose')}</option>}
            {options.length === 0 ? <option disabled>{t('communeNone')}</option> : null}
            {options.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}
