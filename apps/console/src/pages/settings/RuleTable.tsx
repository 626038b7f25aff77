import { useState } from 'preact/hooks';
import type { ApiError } from '../../core/api';
import { formatNumber, useLang, useT } from '../../core/i18n';
import { Button, useId } from '../../ui/components';
import { SEVERITY_WORDS } from '../alerts/alerts-model';
import { messages } from './messages';
import {
  formatParam,
  orderedParams,
  paramKey,
  paramLabel,
  parseNumber,
  PARAM_WORDS,
  rangeProblem,
  setsItself,
  SEVERITIES,
  sourceOf,
  UNIT_WORDS,
  type EffectiveRule,
  type RuleDefinition,
  type RuleOverride,
  type Severity,
  type SettingKey,
} from './rules-model';

/** One rule's settings: what is in force, who set it, and (with health.configure) change or inherit. */
export function RuleTable(props: {
  def: RuleDefinition;
  rule: EffectiveRule;
  own: RuleOverride | null;
  unitId: string;
  names: Record<string, string>;
  configure: boolean;
  busy: boolean;
  onSet: (key: SettingKey, value: number | boolean | Severity) => Promise<ApiError | null>;
  onRemove: (key: SettingKey) => Promise<ApiError | null>;
}) {
  const t = useT(messages);
  const lang = useLang();
  const [editing, setEditing] = useState<SettingKey | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const { def, rule } = props;

  const source = (key: SettingKey) => {
    const id = sourceOf(rule, key);
    if (!id) return <span class="muted">{t('sourceDefault')}</span>;
    if (id === props.unitId) return <strong>{t('sourceHere')}</strong>;
    return <span>{props.names[id] ?? t('sourceAbove')}</span>;
  };

  const start = (key: SettingKey) => {
    setEditing(key);
    setError(undefined);
    if (key === 'enabled') setText(rule.enabled ? 'on' : 'off');
    else if (key === 'severity') setText(rule.severity);
    else setText(String(rule.params[key.slice(6)] ?? ''));
  };

  const save = async (key: SettingKey) => {
    let value: number | boolean | Severity;
    if (key === 'enabled') value = text === 'on';
    else if (key === 'severity') value = text as Severity;
    else {
      value = parseNumber(text);
      if (Number.isNaN(value)) {
        setError(t('notANumber'));
        return;
      }
    }
    const err = await props.onSet(key, value);
    if (err) {
      // The server names the field (`params.rsrpDbm`, `severity`): say it in words next to the input.
      const field = key === 'enabled' || key === 'severity' ? key : `params.${key.slice(6)}`;
      const spec = key.startsWith('param:') ? def.params[key.slice(6)] : undefined;
      const words = spec && typeof value === 'number' ? rangeProblem(value, spec, lang) : null;
      setError((lang === 'vi' ? words : null) ?? err.field(field) ?? err.message);
    } else {
      setEditing(null);
    }
  };

  const rows: { key: SettingKey; label: string; hint?: string; value: string; unit?: string }[] = [
    { key: 'enabled', label: t('settingEnabled'), value: rule.enabled ? t('on') : t('off') },
    { key: 'severity', label: t('settingSeverity'), value: SEVERITY_WORDS[rule.severity][lang] },
    ...orderedParams(def.params).map((name) => {
      const spec = def.params[name];
      return {
        key: paramKey(name),
        label: paramLabel(name, lang),
        hint: PARAM_WORDS[name]?.hint[lang] ?? spec.description,
        value: formatParam(rule.params[name] ?? spec.default, spec.unit, lang),
        unit: spec.unit,
      };
    }),
  ];

  return (
    <div class="table-wrap">
      <table class="data settings-rule-table">
        <thead>
          <tr>
            <th scope="col">{t('colSetting')}</th>
            <th scope="col">{t('colValue')}</th>
            <th scope="col">{t('colSource')}</th>
            {props.configure ? (
              <th scope="col">
                <span class="sr-only">{t('colActions')}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} class={setsItself(props.own, row.key) ? 'settings-own' : undefined}>
              <th scope="row">
                {row.label}
                {row.hint ? <small class="muted settings-hint">{row.hint}</small> : null}
              </th>
              <td data-label={t('colValue')}>
                {editing === row.key ? (
                  <SettingInput
                    row={row}
                    spec={row.key.startsWith('param:') ? def.params[row.key.slice(6)] : undefined}
                    text={text}
                    error={error}
                    onText={setText}
                    onSave={() => save(row.key)}
                  />
                ) : (
                  row.value
                )}
              </td>
              <td data-label={t('colSource')}>{source(row.key)}</td>
              {props.configure ? (
                <td class="settings-actions">
                  {editing === row.key ? (
                    <>
                      <Button
                        variant="primary"
                        busy={props.busy}
                        aria-label={`${t('save')}: ${row.label}`}
                        onClick={() => save(row.key)}
                      >
                        {t('save')}
                      </Button>
                      <Button variant="ghost" onClick={() => setEditing(null)}>
                        {t('cancel')}
                      </Button>
                    </>
                  ) : (
                    <>
                      <Button
                        variant="ghost"
                        disabled={props.busy}
                        aria-label={`${t('change')}: ${row.label}`}
                        onClick={() => start(row.key)}
                      >
                        {t('change')}
                      </Button>
                      {setsItself(props.own, row.key) ? (
                        <Button
                          variant="ghost"
                          disabled={props.busy}
                          aria-label={`${t('inherit')}: ${row.label}`}
                          onClick={() => props.onRemove(row.key)}
                        >
                          {t('inherit')}
                        </Button>
                      ) : null}
                    </>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SettingInput(props: {
  row: { key: SettingKey; label: string; unit?: string };
  spec?: { min: number; max: number; unit: string };
  text: string;
  error?: string;
  onText: (text: string) => void;
  onSave: () => void;
}) {
  const t = useT(messages);
  const lang = useLang();
  const id = useId('setting');
  const { row, spec } = props;
  const value = parseNumber(props.text);
  const described = [spec ? `${id}-hint` : '', props.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const attrs = {
    id,
    'aria-label': row.label,
    'aria-invalid': props.error ? ('true' as const) : undefined,
    'aria-describedby': described || undefined,
  };
  return (
    <div class={`settings-input${props.error ? ' field-invalid' : ''}`}>
      {row.key === 'enabled' ? (
        <select
          {...attrs}
          value={props.text}
          onChange={(e) => props.onText((e.target as HTMLSelectElement).value)}
        >
          <option value="on">{t('on')}</option>
          <option value="off">{t('off')}</option>
        </select>
      ) : row.key === 'severity' ? (
        <select
          {...attrs}
          value={props.text}
          onChange={(e) => props.onText((e.target as HTMLSelectElement).value)}
        >
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {SEVERITY_WORDS[s][lang]}
            </option>
          ))}
        </select>
      ) : (
        <span class="settings-number">
          <input
            {...attrs}
            inputMode="decimal"
            autoComplete="off"
            value={props.text}
            onInput={(e) => props.onText((e.target as HTMLInputElement).value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                props.onSave();
              }
            }}
          />
          <span aria-hidden="true">{UNIT_WORDS[spec?.unit ?? '']?.[lang] ?? spec?.unit}</span>
        </span>
      )}
      {spec ? (
        <small id={`${id}-hint`} class="hint">
          {t('range', {
            min: formatNumber(spec.min, 2, lang),
            max: formatNumber(spec.max, 2, lang),
            unit: UNIT_WORDS[spec.unit]?.[lang] ?? spec.unit,
          })}
          {!Number.isNaN(value) && spec.unit === 's' && value > 0
            ? ` · = ${formatParam(value, 's', lang)}`
            : ''}
        </small>
      ) : null}
      {props.error ? (
        <small id={`${id}-error`} class="error-text" role="alert">
          {props.error}
        </small>
      ) : null}
    </div>
  );
}
