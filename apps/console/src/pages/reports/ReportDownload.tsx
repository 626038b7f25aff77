import { useEffect, useRef, useState } from 'preact/hooks';
import { api, download } from '../../core/api';
import { formatNumber, useT } from '../../core/i18n';
import { Button, toast, toastError } from '../../ui/components';
import { messages, type ReportKey } from './messages';
import type { ReportJob } from './types';

const POLL_MS = 400;

/**
 * Downloads the official XLSX (or CSV) through the report jobs API: a province of hundreds of communes
 * takes a while, so the server builds the file in the background and this shows how far it got.
 */
export function ReportDownload(props: { from: string; to: string; unit: string | null; disabled?: boolean }) {
  const t = useT(messages);
  const [job, setJob] = useState<ReportJob | null>(null);
  const [format, setFormat] = useState<'xlsx' | 'csv' | null>(null);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  async function run(kind: 'xlsx' | 'csv') {
    setFormat(kind);
    try {
      let current = await api.post<ReportJob>('/reports/province/jobs', {
        from: props.from,
        to: props.to,
        format: kind,
        ...(props.unit ? { unit: props.unit } : {}),
      });
      setJob(current);
      while (current.state === 'queued' || current.state === 'running') {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        if (!alive.current) return;
        current = await api.get<ReportJob>(`/reports/jobs/${current.id}`);
        setJob(current);
      }
      if (current.state === 'failed' || !current.downloadUrl) {
        toast(t('jobFailed', { error: current.error ?? current.stage }), 'bad');
        return;
      }
      await download(current.downloadUrl, undefined, `bao-cao.${kind}`);
      toast(t('downloaded'));
    } catch (err) {
      toastError(err);
    } finally {
      if (alive.current) {
        setFormat(null);
        setJob(null);
      }
    }
  }

  const busy = format !== null;
  const stageKey = job ? (`stage_${job.stage}` as ReportKey) : null;
  const stage = stageKey && stageKey in messages.vi ? t(stageKey) : (job?.stage ?? '');
  return (
    <div class="report-download">
      <div class="row">
        <Button
          variant="primary"
          busy={format === 'xlsx'}
          disabled={props.disabled || busy}
          onClick={() => void run('xlsx')}
        >
          {t('downloadXlsx')}
        </Button>
        <Button busy={format === 'csv'} disabled={props.disabled || busy} onClick={() => void run('csv')}>
          {t('downloadCsv')}
        </Button>
      </div>
      <div class="report-progress">
        {busy ? (
          <progress
            max={1}
            value={job?.progress ?? 0}
            aria-label={t('progressLabel')}
            aria-valuetext={`${formatNumber((job?.progress ?? 0) * 100)} %`}
          />
        ) : null}
        <span role="status">
          {busy ? `${t('preparing')} ${stage} · ${formatNumber((job?.progress ?? 0) * 100)} %` : ''}
        </span>
      </div>
    </div>
  );
}
