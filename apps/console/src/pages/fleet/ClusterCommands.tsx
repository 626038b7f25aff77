import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Page } from '../../core/api';
import { formatDateTime, formatDuration, formatNumber, formatTime, useT } from '../../core/i18n';
import { useAsync, useInterval } from '../../core/hooks';
import { common } from '../../core/messages';
import {
  Badge,
  Button,
  Empty,
  ErrorNotice,
  Field,
  Modal,
  toast,
  toastError,
  type Tone,
} from '../../ui/components';
import { clusterMessages, type ClusterKey } from './cluster-messages';
import { OPEN_COMMAND_STATES, labelOf, type CommandView } from './cluster-types';

const STATUS_TONES: Record<string, Tone> = {
  pending: 'info',
  delivered: 'info',
  started: 'info',
  acked: 'ok',
  failed: 'bad',
  expired: 'warn',
};

type Translate = (key: ClusterKey, params?: Record<string, string | number>) => string;

export function commandLabel(t: Translate, c: Pick<CommandView, 'type' | 'params'>): string {
  if (c.type === 'set_volume') return t('cmd_set_volume', { volume: String(c.params.volume ?? '?') });
  const key = `cmd_${c.type}` as ClusterKey;
  return key in clusterMessages.vi ? t(key) : t('cmd_other', { type: c.type });
}

/**
 * Volume, ping and reboot with confirmation (for roles that may send commands), and the cluster's recent
 * commands with their acknowledgement, re-read every 2 s while one is still on its way.
 */
export function ClusterCommands(props: {
  clusterId: string;
  clusterName: string;
  canSend: boolean;
  canRead: boolean;
  currentVolume: number | null;
}) {
  const t = useT(clusterMessages);
  const tc = useT(common);
  const [volume, setVolume] = useState<number>(props.currentVolume ?? 50);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [volumeError, setVolumeError] = useState<string | undefined>();
  const [confirmReboot, setConfirmReboot] = useState(false);
  const commands = useAsync(
    (signal) =>
      props.canRead
        ? api.get<Page<CommandView>>(`/clusters/${props.clusterId}/commands`, { pageSize: 8 }, signal)
        : Promise.resolve(null),
    [props.clusterId],
  );
  const open = commands.data?.items.some((c) => OPEN_COMMAND_STATES.has(c.status)) ?? false;
  useInterval(() => !commands.loading && commands.reload(), open ? 2000 : 30_000);

  // Follow the device's volume until the person starts choosing another one.
  useEffect(() => {
    if (!touched && props.currentVolume !== null) setVolume(props.currentVolume);
  }, [props.currentVolume, touched]);

  async function send(type: 'set_volume' | 'reboot' | 'ping', params: Record<string, unknown> = {}) {
    setBusy(type);
    setVolumeError(undefined);
    try {
      const created = await api.post<CommandView>(`/clusters/${props.clusterId}/commands`, { type, params });
      toast(t('sent', { command: commandLabel(t, created) }));
      commands.set((page) => (page ? { ...page, items: [created, ...page.items].slice(0, 8) } : null));
      if (type === 'set_volume') setTouched(false);
    } catch (err) {
      const field = err instanceof ApiError ? (err.field('params.volume') ?? err.field('params')) : undefined;
      if (type === 'set_volume' && field) setVolumeError(field);
      else toastError(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      {props.canSend ? (
        <>
          <p class="muted">{t('commandsHint')}</p>
          <form
            class="cluster-volume"
            onSubmit={(e) => {
              e.preventDefault();
              void send('set_volume', { volume });
            }}
          >
            <input
              type="range"
              min={0}
              max={100}
              step={1}
              value={volume}
              aria-label={t('volumeSlider')}
              onInput={(e) => {
                setTouched(true);
                setVolume(Number(e.currentTarget.value));
              }}
            />
            <Field label={t('volumeField')} error={volumeError}>
              {(a) => (
                <input
                  {...a}
                  type="number"
                  min={0}
                  max={100}
                  step={1}
                  required
                  value={volume}
                  onInput={(e) => {
                    setTouched(true);
                    const n = Math.round(Number(e.currentTarget.value));
                    if (Number.isFinite(n)) setVolume(Math.min(100, Math.max(0, n)));
                  }}
                />
              )}
            </Field>
            <Button type="submit" variant="primary" busy={busy === 'set_volume'}>
              {t('setVolume')}
            </Button>
          </form>
          <div class="row cluster-command-buttons">
            <Button busy={busy === 'ping'} onClick={() => void send('ping')}>
              {t('ping')}
            </Button>
            <Button variant="danger" busy={busy === 'reboot'} onClick={() => setConfirmReboot(true)}>
              {t('reboot')}
            </Button>
          </div>
          <Modal
            open={confirmReboot}
            title={t('rebootTitle')}
            onClose={() => setConfirmReboot(false)}
            footer={
              <>
                <Button onClick={() => setConfirmReboot(false)}>{tc('cancel')}</Button>
                <Button
                  variant="danger"
                  onClick={() => {
                    setConfirmReboot(false);
                    void send('reboot');
                  }}
                >
                  {t('rebootConfirm')}
                </Button>
              </>
            }
          >
            <p>{t('rebootText', { name: props.clusterName })}</p>
          </Modal>
        </>
      ) : null}
      {props.canRead ? (
        <section class="cluster-recent" aria-labelledby="cluster-recent-title">
          <h3 id="cluster-recent-title">{t('recent')}</h3>
          {commands.error && !commands.data ? (
            <ErrorNotice error={commands.error} onRetry={commands.reload} />
          ) : commands.data && commands.data.items.length === 0 ? (
            <Empty>{t('noCommands')}</Empty>
          ) : commands.data ? (
            <div class="table-wrap">
              <table class="data cluster-commands">
                <thead>
                  <tr>
                    <th scope="col">{t('colCommand')}</th>
                    <th scope="col">{t('colSentAt')}</th>
                    <th scope="col">{t('colStatus')}</th>
                    <th scope="col">{t('colResult')}</th>
                  </tr>
                </thead>
                <tbody aria-live="polite">
                  {commands.data.items.map((c) => (
                    <tr key={c.id}>
                      <td>{commandLabel(t, c)}</td>
                      <td title={formatDateTime(c.createdAt)}>{formatTime(c.createdAt)}</td>
                      <td>
                        <Badge tone={STATUS_TONES[c.status] ?? 'muted'}>
                          {labelOf(t, 'status_', c.status)}
                        </Badge>
                      </td>
                      <td>{resultText(t, c)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

function resultText(t: Translate, c: CommandView): string {
  if (c.error) return labelOf(t, 'err_', c.error.code) + (c.error.message ? ` (${c.error.message})` : '');
  if (c.status !== 'acked' || !c.completedAt) return '—';
  const seconds = (new Date(c.completedAt).getTime() - new Date(c.createdAt).getTime()) / 1000;
  const parts = [t('answeredIn', { s: formatNumber(Math.max(0, seconds), 1) })];
  if (c.type === 'ping' && typeof c.result?.uptimeS === 'number')
    parts.push(t('uptimeResult', { time: formatDuration(c.result.uptimeS) }));
  return parts.join(', ');
}
