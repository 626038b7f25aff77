import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Page } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { formatDateTime, useLang, useT } from '../../core/i18n';
import { useSession } from '../../core/session';
import {
  Badge,
  Button,
  ErrorNotice,
  Field,
  Link,
  Loading,
  Modal,
  toast,
  toastError,
} from '../../ui/components';
import { datesRange } from './WorkOrderBoard';
import { woMessages } from './workorders-messages';
import {
  allowedMoves,
  fieldMessage,
  formatVnd,
  KIND_WORDS,
  MOVE_WORDS,
  parseVnd,
  PROGRAMME_WORDS,
  STATUS_WORDS,
  type ClusterRef,
  type HistoryEvent,
  type Status,
  type WorkOrderDetail,
} from './workorders-model';

/** One work order: its facts, its history and the steps this person may take next. */
export function WorkOrderDialog(props: { id: string | null; onClose: () => void; onChanged: () => void }) {
  const t = useT(woMessages);
  const lang = useLang();
  const order = useAsync(
    (signal) =>
      props.id
        ? api.get<WorkOrderDetail>(`/work-orders/${props.id}`, undefined, signal)
        : Promise.resolve(undefined),
    [props.id],
  );
  const o = order.data && order.data.id === props.id ? order.data : undefined;
  return (
    <Modal
      open={props.id !== null}
      wide
      title={o ? `${o.code} · ${o.title}` : t('title')}
      onClose={props.onClose}
    >
      {order.error ? <ErrorNotice error={order.error} onRetry={order.reload} /> : null}
      {!o && !order.error ? <Loading /> : null}
      {o ? (
        <div class="wo-detail">
          <div>
            <dl class="props">
              <dt>{t('status')}</dt>
              <dd>
                <Badge tone={o.status === 'cancelled' ? 'muted' : o.status === 'closed' ? 'ok' : 'info'}>
                  {STATUS_WORDS[o.status][lang]}
                </Badge>
              </dd>
              <dt>{t('kind')}</dt>
              <dd>{KIND_WORDS[o.kind][lang]}</dd>
              <dt>{t('commune')}</dt>
              <dd>{o.commune?.name ?? '—'}</dd>
              <dt>{t('village')}</dt>
              <dd>{o.village?.name ?? t('noVillage')}</dd>
              {o.fmCluster ? (
                <>
                  <dt>{t('fmCluster')}</dt>
                  <dd>
                    <Link href={`/fleet/${o.fmCluster.id}`}>{o.fmCluster.name}</Link>{' '}
                    <span class="muted">({o.fmCluster.code})</span>
                  </dd>
                </>
              ) : null}
              {o.ipCluster ? (
                <>
                  <dt>{t('ipCluster')}</dt>
                  <dd>
                    <Link href={`/fleet/${o.ipCluster.id}`}>{o.ipCluster.name}</Link>{' '}
                    <span class="muted">({o.ipCluster.code})</span>
                  </dd>
                </>
              ) : null}
              <dt>{t('programme')}</dt>
              <dd>{PROGRAMME_WORDS[o.fundingProgramme]?.[lang]}</dd>
              <dt>{t('planned')}</dt>
              <dd>{datesRange(o.plannedStart, o.plannedEnd, lang)}</dd>
              {o.actualStart || o.actualEnd ? (
                <>
                  <dt>{t('actual')}</dt>
                  <dd>{datesRange(o.actualStart, o.actualEnd, lang)}</dd>
                </>
              ) : null}
              <dt>{t('plannedCost')}</dt>
              <dd>{formatVnd(o.plannedCostVnd, lang)}</dd>
              {o.actualCostVnd ? (
                <>
                  <dt>{t('actualCost')}</dt>
                  <dd>{formatVnd(o.actualCostVnd, lang)}</dd>
                </>
              ) : null}
              {o.firstConnectedAt ? (
                <>
                  <dt>{t('firstConnected')}</dt>
                  <dd>{formatDateTime(o.firstConnectedAt, lang)}</dd>
                </>
              ) : null}
              {o.firstBroadcastAt ? (
                <>
                  <dt>{t('firstBroadcast')}</dt>
                  <dd>{formatDateTime(o.firstBroadcastAt, lang)}</dd>
                </>
              ) : null}
              {o.notes ? (
                <>
                  <dt>{t('notes')}</dt>
                  <dd class="wo-notes">{o.notes}</dd>
                </>
              ) : null}
            </dl>
            <Moves
              order={o}
              onMoved={(updated) => {
                order.set(updated);
                props.onChanged();
              }}
            />
          </div>
          <History events={o.history} />
        </div>
      ) : null}
    </Modal>
  );
}

function History(props: { events: HistoryEvent[] }) {
  const t = useT(woMessages);
  const lang = useLang();
  const { me } = useSession();
  const what = (e: HistoryEvent) => {
    if (e.type === 'created') return t('historyCreated');
    if (e.type === 'status' && e.fromStatus && e.toStatus)
      return t('historyStatus', {
        from: STATUS_WORDS[e.fromStatus][lang],
        to: STATUS_WORDS[e.toStatus][lang],
      });
    if (e.type === 'first_connection') return t('historyFirstConnection');
    if (e.type === 'first_broadcast') return t('historyFirstBroadcast');
    return t('historyEdited');
  };
  const who = (actor: string) =>
    actor === `user:${me.id}` ? t('byMe') : actor === 'system' ? t('bySystem') : null;
  return (
    <section class="wo-history" aria-labelledby="wo-history-title">
      <h3 id="wo-history-title">{t('history')}</h3>
      <ol>
        {props.events.map((e, i) => (
          <li key={i}>
            <strong>{what(e)}</strong>
            <div class="muted">
              <time dateTime={e.at}>{formatDateTime(e.at, lang)}</time>
              {who(e.actor) ? ` · ${who(e.actor)}` : ''}
            </div>
            {e.note ? <q>{e.note}</q> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The allowed next steps as buttons; a chosen step asks for its details, then confirms. */
function Moves(props: { order: WorkOrderDetail; onMoved: (o: WorkOrderDetail) => void }) {
  const t = useT(woMessages);
  const lang = useLang();
  const { can } = useSession();
  const o = props.order;
  const moves = allowedMoves(o.status, can);
  const [to, setTo] = useState<Status | null>(null);
  const [note, setNote] = useState('');
  const [ipClusterId, setIpClusterId] = useState('');
  const [actualDate, setActualDate] = useState('');
  const [actualCost, setActualCost] = useState('');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setTo(null);
    setNote('');
    setIpClusterId('');
    setActualDate('');
    setActualCost('');
    setErrors({});
  }, [o.id, o.status]);

  if (o.status === 'closed' || o.status === 'cancelled') return <p class="muted">{t('finalState')}</p>;
  if (moves.length === 0) return <p class="muted">{t('noMoves')}</p>;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!to) return;
    const body: Record<string, unknown> = { to, revision: o.revision };
    if (note.trim()) body.note = note.trim();
    if (to === 'commissioned') {
      body.ipClusterId = ipClusterId || undefined;
      if (actualDate) body.actualEnd = actualDate;
      const cost = parseVnd(actualCost);
      if (cost === undefined) return setErrors({ actualCostVnd: t('costInvalid') });
      if (cost) body.actualCostVnd = cost;
    }
    if (to === 'installing' && actualDate) body.actualStart = actualDate;
    setBusy(true);
    setErrors({});
    try {
      const updated = await api.post<WorkOrderDetail>(`/work-orders/${o.id}/transition`, body);
      toast(t('moved', { status: STATUS_WORDS[updated.status][lang] }));
      props.onMoved(updated);
    } catch (err) {
      if (err instanceof ApiError && err.fields.length) {
        const next: Record<string, string | undefined> = {};
        for (const f of err.fields) next[f.field] = fieldMessage(f, lang);
        setErrors(next);
      } else toastError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!to)
    return (
      <section class="wo-moves" aria-label={t('moves')}>
        <h3>{t('moves')}</h3>
        <div class="row">
          {moves.map((m) => (
            <Button key={m} variant={m === 'cancelled' ? 'danger' : 'primary'} onClick={() => setTo(m)}>
              {MOVE_WORDS[m][lang]}
            </Button>
          ))}
        </div>
      </section>
    );

  return (
    <form class="wo-moves card" onSubmit={submit}>
      <h3>{MOVE_WORDS[to][lang]}</h3>
      {to === 'cancelled' ? <p class="notice notice-warn">{t('cancelWarning')}</p> : null}
      {to === 'commissioned' ? (
        <IpClusterField order={o} value={ipClusterId} onChange={setIpClusterId} error={errors.ipClusterId} />
      ) : null}
      {to === 'installing' || to === 'commissioned' ? (
        <Field
          label={to === 'installing' ? t('actualStart') : t('actualEnd')}
          error={errors.actualStart ?? errors.actualEnd}
        >
          {(attrs) => (
            <input
              {...attrs}
              type="date"
              value={actualDate}
              onInput={(e) => setActualDate((e.target as HTMLInputElement).value)}
            />
          )}
        </Field>
      ) : null}
      {to === 'commissioned' ? (
        <Field label={t('actualCost')} hint={t('fieldCostHint')} error={errors.actualCostVnd}>
          {(attrs) => (
            <input
              {...attrs}
              inputMode="numeric"
              value={actualCost}
              onInput={(e) => setActualCost((e.target as HTMLInputElement).value)}
            />
          )}
        </Field>
      ) : null}
      <Field label={t('moveNote')} error={errors.note}>
        {(attrs) => (
          <textarea
            {...attrs}
            rows={2}
            maxLength={500}
            value={note}
            onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
          />
        )}
      </Field>
      <div class="row">
        <Button variant={to === 'cancelled' ? 'danger' : 'primary'} type="submit" busy={busy}>
          {t('moveConfirm', { move: MOVE_WORDS[to][lang] })}
        </Button>
        <Button variant="ghost" onClick={() => setTo(null)}>
          {t('moveBack')}
        </Button>
      </div>
    </form>
  );
}

/** The IP clusters that can be linked at commissioning (of the order's commune, or village). */
function IpClusterField(props: {
  order: WorkOrderDetail;
  value: string;
  onChange: (id: string) => void;
  error?: string;
}) {
  const t = useT(woMessages);
  const unitId = props.order.villageId ?? props.order.communeId;
  const clusters = useAsync(
    (signal) =>
      api.get<Page<ClusterRef>>(
        '/clusters',
        { unitId, kind: 'ip', lifecycle: 'planned,active', pageSize: 500, sort: 'code' },
        signal,
      ),
    [unitId],
  );
  const items = clusters.data?.items ?? [];
  if (clusters.data && items.length === 0) return <p class="notice notice-warn">{t('noIpClusters')}</p>;
  return (
    <Field label={t('chooseIp')} hint={t('chooseIpHint')} error={props.error} required>
      {(attrs) => (
        <select
          {...attrs}
          value={props.value}
          onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
        >
          <option value="">{t('choose')}</option>
          {items.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.code})
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
