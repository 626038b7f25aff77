import { useState } from 'preact/hooks';
import { api, ApiError, type Page } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { formatDuration, useT } from '../../core/i18n';
import { setQuery, useLocation } from '../../core/router';
import { useSession } from '../../core/session';
import type { RouteParams } from '../../routes';
import {
  Button,
  ErrorNotice,
  Field,
  Link,
  Loading,
  PageHeader,
  toast,
  toastError,
} from '../../ui/components';
import { Icon } from '../../ui/icons';
import { TargetPicker, type TargetValue } from '../live/TargetPicker';
import { ConfirmDialog } from './ConfirmDialog';
import { FollowRollout, type BroadcastView } from './FollowRollout';
import { messages } from './messages';
import { RecentEmergencies } from './RecentEmergencies';
import '../live/live.css';
import './emergency.css';

interface ReadyMedia {
  id: string;
  title: string;
  durationMs: number;
}

const VOLUMES = [100, 90, 80, 70];

/**
 * The emergency panel: pick what plays and where (the whole scope by default), confirm by typing a word,
 * then follow every cluster's answer live. Routed only with broadcasts.emergency.
 */
export function EmergencyPage(_props: { params: RouteParams }) {
  const t = useT(messages);
  const loc = useLocation();
  const followId = loc.query.get('b');
  return (
    <div class="emergency-page">
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={
          followId ? (
            <Button variant="secondary" onClick={() => setQuery({ b: null })}>
              {t('another')}
            </Button>
          ) : null
        }
      />
      {followId ? <FollowRollout id={followId} /> : <EmergencyForm />}
      <RecentEmergencies current={followId} />
    </div>
  );
}

function EmergencyForm() {
  const t = useT(messages);
  const { can } = useSession();
  const [source, setSource] = useState<'media' | 'live'>('media');
  const [mediaId, setMediaId] = useState('');
  const [title, setTitle] = useState('');
  const [volume, setVolume] = useState('100');
  const [target, setTarget] = useState<TargetValue | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ media?: string; target?: string; title?: string }>({});
  const media = useAsync(
    (signal) =>
      api.get<Page<ReadyMedia>>('/media', { status: 'ready', pageSize: 200, order: 'desc' }, signal),
    [],
  );
  const chosen = media.data?.items.find((m) => m.id === mediaId);
  const effectiveTitle = title.trim() || (chosen ? t('defaultTitle', { media: chosen.title }) : '');

  function review() {
    const next = {
      media: chosen ? undefined : t('needMedia'),
      target: target && target.count > 0 ? undefined : t('needTarget'),
    };
    setErrors(next);
    if (!next.media && !next.target) setConfirming(true);
  }

  async function send() {
    if (!chosen || !target) return;
    setBusy(true);
    try {
      const created = await api.post<BroadcastView>('/broadcasts', {
        kind: 'play_now',
        priority: 'emergency',
        title: effectiveTitle.slice(0, 200),
        assetIds: [chosen.id],
        target: target.target,
        ...(volume ? { volume: Number(volume) } : {}),
      });
      toast(t('sent', { n: created.summary.targets }), 'warn');
      setConfirming(false);
      setQuery({ b: created.id });
    } catch (err) {
      setConfirming(false);
      if (err instanceof ApiError && (err.field('title') || err.field('target') || err.field('assetIds')))
        setErrors({
          title: err.field('title'),
          target: err.field('target'),
          media: err.field('assetIds'),
        });
      else toastError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="grid grid-2 emergency-form">
      <div class="card">
        <fieldset class="live-targets">
          <legend>{t('whatLegend')}</legend>
          <div class="live-target-modes">
            <label class="live-radio">
              <input
                type="radio"
                name="emergency-source"
                checked={source === 'media'}
                onChange={() => setSource('media')}
              />
              {t('sourceMedia')}
            </label>
            {can('live.broadcast') ? (
              <label class="live-radio">
                <input
                  type="radio"
                  name="emergency-source"
                  checked={source === 'live'}
                  onChange={() => setSource('live')}
                />
                {t('sourceLive')}
              </label>
            ) : null}
          </div>
          {source === 'live' ? (
            <div>
              <p class="muted">{t('liveHint')}</p>
              <Link class="btn btn-danger" href="/on-air?emergency=1">
                <Icon name="mic" /> {t('openLive')}
              </Link>
            </div>
          ) : media.error ? (
            <ErrorNotice error={media.error} onRetry={media.reload} />
          ) : !media.data ? (
            <Loading />
          ) : media.data.items.length === 0 ? (
            <p class="notice notice-warn">
              {t('noMedia')} <Link href="/library">{t('openLibrary')}</Link>
            </p>
          ) : (
            <>
              <Field label={t('media')} required error={errors.media}>
                {(attrs) => (
                  <select {...attrs} value={mediaId} onChange={(e) => setMediaId(e.currentTarget.value)}>
                    <option value="">{t('chooseMedia')}</option>
                    {media.data!.items.map((m) => (
                      <option key={m.id} value={m.id}>
                        {t('mediaOption', { title: m.title, duration: formatDuration(m.durationMs / 1000) })}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t('broadcastTitle')} error={errors.title}>
                {(attrs) => (
                  <input
                    {...attrs}
                    value={title}
                    maxLength={200}
                    placeholder={chosen ? t('defaultTitle', { media: chosen.title }) : ''}
                    onInput={(e) => setTitle(e.currentTarget.value)}
                  />
                )}
              </Field>
              <Field label={t('volume')}>
                {(attrs) => (
                  <select {...attrs} value={volume} onChange={(e) => setVolume(e.currentTarget.value)}>
                    {VOLUMES.map((v) => (
                      <option key={v} value={String(v)}>
                        {t('volumeValue', { n: v })}
                      </option>
                    ))}
                    <option value="">{t('volumeDevice')}</option>
                  </select>
                )}
              </Field>
            </>
          )}
        </fieldset>
      </div>
      {source === 'media' ? (
        <div class="card">
          <TargetPicker idPrefix="emergency" onChange={setTarget} />
          {errors.target ? (
            <p class="error-text" role="alert">
              {errors.target}
            </p>
          ) : null}
          <div class="emergency-send">
            <Button
              variant="danger"
              class="emergency-send-btn"
              onClick={review}
              disabled={!media.data?.items.length}
            >
              <Icon name="siren" /> {t('send')}
            </Button>
          </div>
        </div>
      ) : null}
      {confirming && chosen && target ? (
        <ConfirmDialog
          mediaTitle={chosen.title}
          duration={formatDuration(chosen.durationMs / 1000)}
          target={target}
          busy={busy}
          onCancel={() => setConfirming(false)}
          onConfirm={() => void send()}
        />
      ) : null}
    </div>
  );
}
