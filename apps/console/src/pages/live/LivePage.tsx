import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Page } from '../../core/api';
import { useInterval } from '../../core/hooks';
import { formatDuration, formatTime, useLang, useT } from '../../core/i18n';
import { useLocation } from '../../core/router';
import { useSession } from '../../core/session';
import type { RouteParams } from '../../routes';
import { Badge, Button, Field, Link, PageHeader, toast, toastError } from '../../ui/components';
import { Icon } from '../../ui/icons';
import { LevelMeter } from './LevelMeter';
import { messages, type LiveKey } from './messages';
import { LiveSender, MicError, Microphone, type MicErrorKind, type SenderState } from './mic-stream';
import { RecentSessions } from './RecentSessions';
import { elapsed, summarize, type Delivery } from './rollout';
import { RolloutStats, RolloutTable } from './RolloutTable';
import { TargetPicker, type TargetValue } from './TargetPicker';
import { livePriority, type LiveSession } from './types';
import './live.css';

type Phase = 'idle' | 'mic' | 'creating' | 'live' | 'stopping' | 'ended';

const MIC_ERROR: Record<MicErrorKind, LiveKey> = {
  noApi: 'errNoMicApi',
  denied: 'errMicDenied',
  missing: 'errMicMissing',
  busy: 'errMicBusy',
  noRecorder: 'errNoRecorder',
  other: 'errMicOther',
};
const STATUS_KEY: Record<LiveSession['status'], LiveKey> = {
  waiting: 'statusWaiting',
  live: 'statusLive',
  ended: 'statusEnded',
  failed: 'statusFailed',
};
const VOLUMES = [100, 90, 80, 70, 60, 50];

/**
 * Going live: choose the loudspeakers, open the microphone, and the server relays what is said to every
 * chosen cluster; the page shows which clusters play it until "Dừng".
 */
export function LivePage(_props: { params: RouteParams }) {
  const t = useT(messages);
  const lang = useLang();
  const { me, can } = useSession();
  const loc = useLocation();
  const mayEmergency = can('broadcasts.emergency');
  const mayFollow = can('schedules.read');

  const [title, setTitle] = useState(() => t('defaultTitle', { time: formatTime(new Date(), lang) }));
  const [titleError, setTitleError] = useState<string | undefined>();
  const [volume, setVolume] = useState('');
  const [emergency, setEmergency] = useState(mayEmergency && loc.query.get('emergency') === '1');
  const [target, setTarget] = useState<TargetValue | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [error, setError] = useState<string | null>(null);
  const [senderState, setSenderState] = useState<SenderState | null>(null);
  const [session, setSession] = useState<LiveSession | null>(null);
  const [deliveries, setDeliveries] = useState<Delivery[]>([]);
  const [now, setNow] = useState(Date.now());
  const [mic, setMic] = useState<Microphone | null>(null);
  const sender = useRef<LiveSender | null>(null);
  /** What callbacks (socket, timers, unmount) need now, not as of their render. */
  const live = useRef<{ id: string; mic: Microphone | null; phase: Phase; finishing: boolean }>({
    id: '',
    mic: null,
    phase,
    finishing: false,
  });
  live.current.phase = phase;

  const onAir = phase === 'live' || phase === 'stopping';

  /** Lets go of the microphone and the socket (idempotent). */
  function release() {
    sender.current?.stop();
    sender.current = null;
    live.current.mic?.close();
    live.current.mic = null;
    setMic(null);
  }

  // Leaving the page (or the console) while on air stops the broadcast rather than leaving it dangling.
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (live.current.phase !== 'live') return;
      e.preventDefault();
      e.returnValue = t('leaveWarning');
    };
    window.addEventListener('beforeunload', warn);
    return () => {
      window.removeEventListener('beforeunload', warn);
      const { id, phase: p } = live.current;
      if (id && (p === 'live' || p === 'creating')) void api.post(`/live/${id}/stop`).catch(() => undefined);
      release();
    };
  }, []);

  async function goLive() {
    setError(null);
    setTitleError(undefined);
    if (!target) return setError(t('errNoTarget'));
    setPhase('mic');
    let opened: Microphone;
    try {
      opened = await Microphone.open();
    } catch (err) {
      const kind = err instanceof MicError ? err.kind : 'other';
      setError(t(MIC_ERROR[kind], { message: err instanceof Error ? err.message : String(err) }));
      return setPhase('idle');
    }
    live.current.mic = opened;
    setMic(opened);
    setPhase('creating');
    let created: { session: LiveSession; ingest: { icecast: { password: string } } };
    try {
      created = await api.post('/live', {
        title: title.trim(),
        target: target.target,
        priority: emergency ? 'emergency' : livePriority(me.scope?.level),
        ...(volume ? { volume: Number(volume) } : {}),
      });
    } catch (err) {
      release();
      setPhase('idle');
      if (err instanceof ApiError && err.field('title')) return setTitleError(err.field('title'));
      if (err instanceof ApiError && err.field('target')) return setError(err.field('target')!);
      return toastError(err);
    }
    live.current.id = created.session.id;
    setSession(created.session);
    setDeliveries([]);
    setNow(Date.now());
    setPhase('live');
    const s = new LiveSender(created.session.id, created.ingest.icecast.password, opened.stream, (state) => {
      setSenderState(state);
      if (state === 'refused' || state === 'lost' || state === 'ended') {
        setError(t(state === 'refused' ? 'errSocket' : state === 'lost' ? 'errLost' : 'errServerClosed'));
        void finish(false);
      }
    });
    sender.current = s;
    s.start();
  }

  /** Stops sending and ends the session on the server; `byUser` is the "Dừng" button. */
  async function finish(byUser: boolean) {
    const id = live.current.id;
    if (!id || live.current.finishing) return;
    live.current.finishing = true;
    setPhase('stopping');
    release();
    try {
      setSession(await api.post<LiveSession>(`/live/${id}/stop`));
      if (byUser) toast(t('ended'));
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) toastError(err);
    }
    setPhase('ended');
  }

  // While on air: the session (listeners, status) and each cluster's command state.
  const poll = async () => {
    const id = live.current.id;
    if (!id || !mayFollow) return;
    try {
      const next = await api.get<LiveSession>(`/live/${id}`);
      setSession(next);
      if ((next.status === 'ended' || next.status === 'failed') && !live.current.finishing) {
        setError(
          next.status === 'ended'
            ? t('errServerClosed')
            : t('errEndedByServer', { reason: next.failureReason ?? t(STATUS_KEY[next.status]) }),
        );
        void finish(false);
      }
      if (next.broadcastId) {
        const page = await api.get<Page<Delivery>>(`/broadcasts/${next.broadcastId}/deliveries`, {
          pageSize: 500,
        });
        setDeliveries(page.items);
      }
    } catch {
      /* a missed poll is retried on the next tick */
    }
  };
  useInterval(() => void poll(), onAir ? 1500 : null);
  useInterval(() => setNow(Date.now()), onAir ? 1000 : null);
  // After the end, the recording is imported into the library: look again until it is there.
  const [endPolls, setEndPolls] = useState(0);
  useInterval(
    () => {
      setEndPolls((n) => n + 1);
      void poll();
    },
    phase === 'ended' && session && !session.recordingAssetId && !session.recordingError && endPolls < 10
      ? 2000
      : null,
  );

  function reset() {
    live.current.id = '';
    live.current.finishing = false;
    setSession(null);
    setDeliveries([]);
    setSenderState(null);
    setError(null);
    setEndPolls(0);
    setTitle(t('defaultTitle', { time: formatTime(new Date(), lang) }));
    setPhase('idle');
  }

  const summary = summarize(deliveries);
  const startedMs = session?.startedAt ? Date.parse(session.startedAt) : null;

  return (
    <div class="live-page">
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      {error ? (
        <div class="notice notice-bad" role="alert">
          {error}
        </div>
      ) : null}

      {phase === 'idle' || phase === 'mic' || phase === 'creating' ? (
        <div class="grid grid-2 live-setup">
          <div class="card">
            <TargetPicker idPrefix="live" onChange={setTarget} disabled={phase !== 'idle'} />
          </div>
          <div class="card">
            <Field label={t('broadcastTitle')} required error={titleError}>
              {(attrs) => (
                <input
                  {...attrs}
                  value={title}
                  maxLength={200}
                  onInput={(e) => setTitle(e.currentTarget.value)}
                />
              )}
            </Field>
            <Field label={t('volume')}>
              {(attrs) => (
                <select {...attrs} value={volume} onChange={(e) => setVolume(e.currentTarget.value)}>
                  <option value="">{t('volumeDevice')}</option>
                  {VOLUMES.map((v) => (
                    <option key={v} value={String(v)}>
                      {t('volumeValue', { n: v })}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {mayEmergency ? (
              <label class="live-check live-emergency">
                <input
                  type="checkbox"
                  checked={emergency}
                  onChange={(e) => setEmergency(e.currentTarget.checked)}
                />
                <span>{t('emergencyPriority')}</span>
              </label>
            ) : null}
            <div class="live-go-wrap">
              <button
                type="button"
                class={`live-go${emergency ? ' live-go-emergency' : ''}`}
                disabled={phase !== 'idle' || !target || !title.trim()}
                aria-busy={phase !== 'idle' ? 'true' : undefined}
                onClick={() => void goLive()}
              >
                <Icon name="mic" size={36} />
                <span>{t('goLive')}</span>
              </button>
              {phase === 'mic' ? <p role="status">{t('askingMic')}</p> : null}
              {phase === 'creating' ? <p role="status">{t('connecting')}</p> : null}
            </div>
          </div>
        </div>
      ) : null}

      {onAir && session ? (
        <section class="card live-onair" aria-labelledby="live-onair-title">
          <div class="live-onair-head">
            <span class="live-dot" aria-hidden="true" />
            <h2 id="live-onair-title">{session.title}</h2>
            <Badge tone={session.status === 'live' ? 'bad' : 'info'}>
              {senderState === 'reconnecting'
                ? t('reconnecting')
                : session.status === 'waiting'
                  ? t('waitingAudio')
                  : t('onAir')}
            </Badge>
            <span class="spacer" />
            <span class="live-elapsed" role="timer" aria-label={t('elapsed')}>
              {elapsed(startedMs ?? now, now)}
            </span>
            <Button
              variant="danger"
              class="live-stop"
              busy={phase === 'stopping'}
              onClick={() => void finish(true)}
            >
              <span class="live-stop-square" aria-hidden="true" /> {t('stop')}
            </Button>
          </div>
          {senderState === 'reconnecting' ? (
            <p class="notice notice-warn" role="status">
              {t('reconnecting')}
            </p>
          ) : null}
          {mic ? <LevelMeter mic={mic} /> : null}
          {target ? (
            <p class="muted">{t('playingAt', { where: target.description, n: target.count })}</p>
          ) : null}
        </section>
      ) : null}

      {phase === 'ended' && session ? (
        <section class="card live-ended" aria-labelledby="live-ended-title">
          <h2 id="live-ended-title">
            {t('ended')}: {session.title}
          </h2>
          <p>
            {t('endedSummary', {
              duration:
                session.startedAt && session.endedAt
                  ? formatDuration((Date.parse(session.endedAt) - Date.parse(session.startedAt)) / 1000)
                  : '—',
              peak: session.peakListeners,
            })}
          </p>
          {session.recordingAssetId ? (
            <p>
              {t('recordingSaved')} <Link href="/library">{t('openLibrary')}</Link>
            </p>
          ) : null}
          <Button variant="primary" onClick={reset}>
            {t('newBroadcast')}
          </Button>
        </section>
      ) : null}

      {session && (onAir || phase === 'ended') ? (
        <section class="card" aria-labelledby="live-hearing-title">
          <div class="row">
            <h2 id="live-hearing-title">{t(phase === 'ended' ? 'heardTitle' : 'hearingTitle')}</h2>
            <span class="spacer" />
            <span class="muted" role="status">
              {deliveries.length
                ? t(phase === 'ended' ? 'heardCount' : 'hearingCount', {
                    n: summary.started,
                    total: summary.targets,
                  })
                : t('listeners', { n: session.listeners })}
            </span>
          </div>
          {deliveries.length === 0 ? (
            <p class="muted">{t('noRolloutYet')}</p>
          ) : (
            <>
              <RolloutStats summary={summary} finished={phase === 'ended'} />
              <RolloutTable
                deliveries={deliveries}
                caption={t('hearingTitle')}
                finished={phase === 'ended'}
              />
            </>
          )}
        </section>
      ) : null}

      {phase === 'idle' && mayFollow ? <RecentSessions /> : null}
    </div>
  );
}
