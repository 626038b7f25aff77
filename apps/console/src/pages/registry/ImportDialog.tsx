import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../core/api';
import { formatNumber, useLang, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { Button, Field, Modal, toast } from '../../ui/components';
import { saveText } from './copy';
import { SecretField } from './SecretField';
import { messages } from './messages';
import {
  columnLabel,
  credentialsCsv,
  errorsByLine,
  importOutcome,
  importTemplate,
  ruleWords,
  type ImportResult,
} from './registry-model';

/**
 * Registers many clusters from a spreadsheet saved as CSV: check first or import, all-or-nothing unless
 * "import the good lines" is ticked; every problem is listed by line and column, and the MQTT passwords
 * of the IP clusters imported can be saved once.
 */
export function ImportDialog(props: { open: boolean; onClose: () => void; onImported: () => void }) {
  const t = useT(messages);
  const c = useT(common);
  const lang = useLang();
  const [file, setFile] = useState<File | null>(null);
  const [partial, setPartial] = useState(false);
  const [busy, setBusy] = useState<'check' | 'import' | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [refused, setRefused] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    if (!props.open) return;
    setFile(null);
    setResult(null);
    setFailure(null);
    setRefused(false);
  }, [props.open]);

  const send = async (dryRun: boolean) => {
    if (!file) {
      setFailure(t('importChooseFile'));
      return;
    }
    const form = new FormData();
    form.append('file', file, file.name);
    setBusy(dryRun ? 'check' : 'import');
    setFailure(null);
    setResult(null);
    try {
      const res = await api.post<ImportResult>('/clusters/import', form, { partial, dryRun });
      const outcome = importOutcome(201, res);
      setResult(outcome);
      setRefused(false);
      if (!dryRun && outcome && outcome.imported > 0) {
        toast(t('importDone', { n: outcome.imported }));
        props.onImported();
      }
    } catch (err) {
      const outcome = err instanceof ApiError ? importOutcome(err.status, err.body) : null;
      if (outcome) {
        setResult(outcome);
        setRefused(true);
      } else setFailure(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  const lines = result ? errorsByLine(result.errors) : [];
  const badLines = lines.filter((l) => l.line > 1).length;
  const headerErrors = lines.some((l) => l.line === 1);

  return (
    <Modal
      open={props.open}
      wide
      title={t('importTitle')}
      onClose={props.onClose}
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose}>
            {c('close')}
          </Button>
          <Button variant="secondary" busy={busy === 'check'} disabled={!!busy} onClick={() => send(true)}>
            {t('importCheck')}
          </Button>
          <Button variant="primary" busy={busy === 'import'} disabled={!!busy} onClick={() => send(false)}>
            {t('importRun')}
          </Button>
        </>
      }
    >
      <div class="registry-import">
        <p>{t('importIntro')}</p>
        <p class="row">
          <Button variant="ghost" onClick={() => saveText(importTemplate(), 'mau-nhap-cum-loa.csv')}>
            {t('importTemplate')}
          </Button>
        </p>
        <Field label={t('importFile')} hint={t('importFileHint')} error={failure ?? undefined}>
          {(attrs) => (
            <input
              {...attrs}
              type="file"
              accept=".csv,text/csv"
              onChange={(e) => {
                setFile((e.target as HTMLInputElement).files?.[0] ?? null);
                setResult(null);
                setFailure(null);
              }}
            />
          )}
        </Field>
        <label class="registry-check">
          <input
            type="checkbox"
            checked={partial}
            onChange={(e) => setPartial((e.target as HTMLInputElement).checked)}
          />
          <span>
            {t('importPartial')}
            <small class="hint">{t('importPartialHint')}</small>
          </span>
        </label>

        <div role="status" aria-live="polite">
          {result ? (
            <div
              class={`notice ${
                result.errors.length === 0 ? 'notice-ok' : result.imported > 0 ? 'notice-warn' : 'notice-bad'
              }`}
            >
              {headerErrors
                ? t('importHeaderBad')
                : result.dryRun
                  ? result.errors.length
                    ? t('importCheckedBad', { rows: result.rows, bad: badLines })
                    : t('importCheckedOk', { rows: result.rows })
                  : refused
                    ? t('importRefused', { rows: result.rows, bad: badLines })
                    : t('importSummary', {
                        rows: formatNumber(result.rows),
                        imported: formatNumber(result.imported),
                        bad: badLines,
                      })}
            </div>
          ) : null}
        </div>

        {result && lines.length > 0 ? (
          <>
            <h3>{t('importErrors')}</h3>
            <div class="table-wrap">
              <table class="data registry-import-errors">
                <thead>
                  <tr>
                    <th scope="col" class="num">
                      {t('importLine')}
                    </th>
                    <th scope="col">{t('importColumn')}</th>
                    <th scope="col">{t('importProblem')}</th>
                  </tr>
                </thead>
                <tbody>
                  {lines.flatMap(({ line, errors }) =>
                    errors.map((e, i) => (
                      <tr key={`${line}-${i}`}>
                        {i === 0 ? (
                          <th scope="row" class="num" rowSpan={errors.length}>
                            {line}
                          </th>
                        ) : null}
                        <td>{columnLabel(e.field, lang)}</td>
                        <td>
                          {ruleWords(e.rule, lang, e.field) ?? e.message}
                          {ruleWords(e.rule, lang, e.field) ? (
                            <small class="muted registry-server-detail">{e.message}</small>
                          ) : null}
                        </td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </div>
          </>
        ) : null}

        {result && result.credentials.length > 0 ? (
          <div class="registry-import-creds">
            <h3>{t('importCredsTitle', { n: result.credentials.length })}</h3>
            <div class="notice notice-warn" role="note">
              <strong>{t('credOnceTitle')}</strong> {t('importCredsOnce')}
            </div>
            {result.brokerUrl ? (
              <SecretField label={t('credBroker')} value={result.brokerUrl} hint={t('credBrokerHint')} />
            ) : null}
            <p class="row">
              <Button
                variant="primary"
                onClick={() =>
                  saveText(credentialsCsv(result.credentials, result.brokerUrl), 'mat-khau-mqtt-cum-loa.csv')
                }
              >
                {t('importCredsSave')}
              </Button>
            </p>
            <div class="table-wrap">
              <table class="data">
                <thead>
                  <tr>
                    <th scope="col">{t('code')}</th>
                    <th scope="col">{t('credUsername')}</th>
                    <th scope="col">{t('credPassword')}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.credentials.map((cr) => (
                    <tr key={cr.username}>
                      <td>{cr.code}</td>
                      <td class="registry-mono">{cr.username}</td>
                      <td class="registry-mono">{cr.password}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ) : null}
      </div>
    </Modal>
  );
}
