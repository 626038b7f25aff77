import { useState } from 'preact/hooks';
import { api, ApiError } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { useLang, useT } from '../../core/i18n';
import { setQuery, useLocation } from '../../core/router';
import { useSession } from '../../core/session';
import { Badge, Button, ErrorNotice, Loading, toast, toastError } from '../../ui/components';
import { UnitPicker } from '../../ui/UnitPicker';
import { RULE_WORDS, SEVERITY_TONE, SEVERITY_WORDS } from '../alerts/alerts-model';
import { messages } from './messages';
import { RuleTable } from './RuleTable';
import {
  overrideWith,
  overrideWithout,
  RULE_DESCRIPTIONS,
  type EffectiveRule,
  type OverrideBody,
  type RuleDefinition,
  type RuleOverride,
  type SettingKey,
} from './rules-model';

interface UnitDetail {
  id: string;
  name: string;
  level: string;
  ancestors: { id: string; name: string; level: string }[];
}

/**
 * The health rules in force for a province, district or commune, which unit set each value, and this
 * unit's own values: set one, or remove it to inherit again.
 */
export function HealthRulesTab() {
  const t = useT(messages);
  const lang = useLang();
  const { me, can } = useSession();
  const configure = can('health.configure');
  const loc = useLocation();
  const unitId = loc.query.get('unit') ?? me.scope?.unitId ?? null;

  const catalogue = useAsync((signal) => api.get<RuleDefinition[]>('/health-rules', undefined, signal), []);
  const state = useAsync(
    async (signal) => {
      if (!unitId) return undefined;
      const [effective, overrides, unit] = await Promise.all([
        api.get<{ unitId: string; rules: EffectiveRule[] }>('/health-rules/effective', { unitId }, signal),
        api.get<RuleOverride[]>('/health-rules/overrides', { unitId }, signal),
        api.get<UnitDetail>(`/units/${unitId}`, undefined, signal),
      ]);
      return { effective, overrides, unit };
    },
    [unitId],
  );
  const [busy, setBusy] = useState<string | null>(null);

  const data = state.data;
  const names: Record<string, string> = {};
  if (data) for (const u of [...data.unit.ancestors, data.unit]) names[u.id] = u.name;
  const own = (rule: string) => data?.overrides.find((o) => o.unitId === unitId && o.rule === rule) ?? null;
  const below = (data?.overrides ?? []).filter((o) => o.unitId !== unitId);

  /** Sends the unit's new override of a rule (or deletes it); returns the server's field errors, if any. */
  const send = async (rule: string, body: OverrideBody | null): Promise<ApiError | null> => {
    if (!unitId) return null;
    setBusy(rule);
    try {
      if (body) await api.put(`/health-rules/overrides/${unitId}/${rule}`, body);
      else await api.delete(`/health-rules/overrides/${unitId}/${rule}`);
      toast(body ? t('ruleSaved') : t('ruleReset'));
      state.reload();
      return null;
    } catch (err) {
      if (err instanceof ApiError && err.fields.length) return err;
      if (err instanceof ApiError && err.status === 409) {
        toast(t('ruleConflict'), 'warn');
        state.reload();
      } else toastError(err);
      return null;
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-labelledby="settings-rules-title">
      <h2 id="settings-rules-title">{t('rulesTitle')}</h2>
      <p class="muted">{t('rulesIntro')}</p>
      <div class="settings-unit card">
        <UnitPicker
          label={t('rulesUnit')}
          value={unitId}
          deepest="commune"
          autoSelectSingle
          hint={t('rulesUnitHint')}
          onChange={(u) => setQuery({ unit: u && u.id !== me.scope?.unitId ? u.id : null })}
        />
      </div>

      {catalogue.error ? <ErrorNotice error={catalogue.error} onRetry={catalogue.reload} /> : null}
      {state.error ? <ErrorNotice error={state.error} onRetry={state.reload} /> : null}
      {!unitId ? <p class="muted">{t('rulesChooseUnit')}</p> : null}
      {unitId && (!catalogue.data || !data) && !state.error && !catalogue.error ? <Loading /> : null}
      {catalogue.data && data ? (
        <>
          <p class="settings-for" role="status">
            {t('rulesFor', { name: data.unit.name })}
          </p>
          <div class="settings-rules">
            {catalogue.data.map((def) => {
              const rule = data.effective.rules.find((r) => r.rule === def.id);
              if (!rule) return null;
              const mine = own(def.id);
              const count = mine
                ? (mine.enabled !== null ? 1 : 0) +
                  (mine.severity !== null ? 1 : 0) +
                  Object.keys(mine.params).length
                : 0;
              return (
                <details class="card settings-rule" key={def.id} id={`rule-${def.id}`}>
                  <summary>
                    <span class="settings-rule-name">{ruleName(def, lang)}</span>
                    <span class="settings-rule-badges">
                      {rule.enabled ? (
                        <Badge tone={SEVERITY_TONE[rule.severity]}>
                          {SEVERITY_WORDS[rule.severity][lang]}
                        </Badge>
                      ) : (
                        <Badge tone="muted">{t('ruleOff')}</Badge>
                      )}
                      {count ? <Badge tone="info">{t('ownValues', { n: count })}</Badge> : null}
                    </span>
                  </summary>
                  <p class="muted settings-rule-desc">
                    {RULE_DESCRIPTIONS[def.id]?.[lang] ?? def.description}
                  </p>
                  <RuleTable
                    def={def}
                    rule={rule}
                    own={mine}
                    unitId={unitId as string}
                    names={names}
                    configure={configure}
                    busy={busy === def.id}
                    onSet={(key: SettingKey, value) => send(def.id, overrideWith(mine, key, value))}
                    onRemove={(key: SettingKey) =>
                      mine ? send(def.id, overrideWithout(mine, key)) : Promise.resolve(null)
                    }
                  />
                </details>
              );
            })}
          </div>
          {below.length ? (
            <div class="card settings-below">
              <h3>{t('belowTitle')}</h3>
              <ul>
                {[...new Map(below.map((o) => [o.unitId, o])).values()].map((o) => (
                  <li key={o.unitId}>
                    <Button variant="ghost" onClick={() => setQuery({ unit: o.unitId })}>
                      {o.unitName}
                    </Button>
                    <span class="muted">
                      {below
                        .filter((x) => x.unitId === o.unitId)
                        .map((x) => RULE_WORDS[x.rule]?.[lang] ?? x.rule)
                        .join(', ')}
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** The rule's name as the alerts inbox says it (the catalogue's own name otherwise). */
function ruleName(def: RuleDefinition, lang: 'vi' | 'en'): string {
  return RULE_WORDS[def.id]?.[lang] ?? def.name[lang];
}
