import { useState } from 'preact/hooks';
import { api } from '../../core/api';
import { useLang, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { Badge, Button, Empty, Modal, toast, toastError } from '../../ui/components';
import { OwnerTag, type Names } from './block-info';
import type { CommuneData } from './data';
import { Glyph } from './glyphs';
import { messages } from './messages';
import { contentName, describeSchedule, describeTarget, ownerOf, priorityLabel } from './schedule-text';
import type { WeekScheduleView } from './types';

type Pending = { kind: 'delete' | 'disable' | 'enable'; schedule: WeekScheduleView };

/**
 * Every schedule sounding in the commune (its own, and the district's and province's reaching it), with
 * edit, enable/disable and delete (each confirmed) where the server says the person may.
 */
export function ScheduleList(props: {
  schedules: WeekScheduleView[];
  commune: CommuneData | null;
  names: Names;
  canWrite: boolean;
  onEdit: (schedule: WeekScheduleView) => void;
  onChanged: () => void;
}) {
  const t = useT(messages);
  const c = useT(common);
  const lang = useLang();
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);

  const confirm = async () => {
    if (!pending) return;
    const { kind, schedule } = pending;
    setBusy(true);
    try {
      if (kind === 'delete') await api.delete(`/schedules/${schedule.id}`);
      else
        await api.patch(`/schedules/${schedule.id}`, {
          enabled: kind === 'enable',
          revision: schedule.revision,
        });
      toast(
        t(kind === 'delete' ? 'deletedToast' : kind === 'enable' ? 'enabledToast' : 'disabledToast', {
          title: schedule.title,
        }),
      );
      setPending(null);
      props.onChanged();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };

  const commune = props.commune;
  return (
    <section class="card sched-list" aria-labelledby="sched-list-title">
      <h2 id="sched-list-title" tabIndex={-1}>
        {t('listHeading')}
      </h2>
      {props.schedules.length === 0 ? (
        <Empty>{t('noSchedules')}</Empty>
      ) : (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th>{t('colName')}</th>
                <th>{t('colRepeat')}</th>
                <th>{t('colTargets')}</th>
                <th>{t('colPriority')}</th>
                <th>{t('colStatus')}</th>
                {props.canWrite ? <th>{t('colActions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {props.schedules.map((s) => {
                const editable = props.canWrite && s.editable;
                const owner = ownerOf(t, lang, s);
                const conflicts = s.clashes.filter((x) => x.kind === 'conflict').length;
                const preempted = s.clashes.filter((x) => x.kind === 'preempted').length;
                return (
                  <tr key={s.id} data-schedule={s.id}>
                    <td>
                      <strong>{s.title}</strong>
                      <div class="muted">{contentName(t, s, props.names.media, props.names.programs)}</div>
                      <OwnerTag owner={owner} long />
                    </td>
                    <td>{describeSchedule(t, s, lang)}</td>
                    <td>
                      {commune && s.target
                        ? describeTarget(t, s.target, commune.unit.id, commune.villages, commune.clusters)
                        : ''}
                      <div class="muted">{t('clusterCount', { n: s.clusterCount })}</div>
                    </td>
                    <td>{priorityLabel(t, s.priority)}</td>
                    <td>
                      <div class="sched-badges">
                        <Badge tone={s.enabled ? 'ok' : 'muted'}>
                          {s.enabled ? t('enabledOn') : t('enabledOff')}
                        </Badge>
                        {conflicts ? (
                          <Badge tone="warn">
                            <Glyph name="conflict" size={12} /> {t('mk_conflict')}
                          </Badge>
                        ) : null}
                        {preempted ? (
                          <Badge tone="info">
                            <Glyph name="preempted" size={12} /> {t('mk_preempted')}
                          </Badge>
                        ) : null}
                      </div>
                    </td>
                    {props.canWrite ? (
                      <td>
                        {editable ? (
                          <div class="sched-actions">
                            <Button
                              variant="ghost"
                              aria-label={t('editFor', { title: s.title })}
                              onClick={() => props.onEdit(s)}
                            >
                              {c('edit')}
                            </Button>
                            <Button
                              variant="ghost"
                              aria-label={t(s.enabled ? 'disableFor' : 'enableFor', { title: s.title })}
                              onClick={() =>
                                setPending({ kind: s.enabled ? 'disable' : 'enable', schedule: s })
                              }
                            >
                              {s.enabled ? t('disable') : t('enable')}
                            </Button>
                            <Button
                              variant="ghost"
                              aria-label={t('deleteFor', { title: s.title })}
                              onClick={() => setPending({ kind: 'delete', schedule: s })}
                            >
                              {c('delete')}
                            </Button>
                          </div>
                        ) : (
                          <span class="muted">
                            {owner && !s.inScope ? t('readOnlyAbove') : t('cannotEditPriority')}
                          </span>
                        )}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Modal
        open={pending !== null}
        title={
          pending
            ? t(
                pending.kind === 'delete'
                  ? 'deleteTitle'
                  : pending.kind === 'enable'
                    ? 'enableTitle'
                    : 'disableTitle',
              )
            : ''
        }
        onClose={() => setPending(null)}
        footer={
          <>
            <Button onClick={() => setPending(null)}>{c('cancel')}</Button>
            <Button
              variant={pending?.kind === 'delete' ? 'danger' : 'primary'}
              busy={busy}
              onClick={() => void confirm()}
            >
              {pending?.kind === 'delete'
                ? c('delete')
                : pending?.kind === 'enable'
                  ? t('enable')
                  : t('disable')}
            </Button>
          </>
        }
      >
        <p>
          {pending
            ? t(
                pending.kind === 'delete'
                  ? 'deleteConfirm'
                  : pending.kind === 'enable'
                    ? 'enableConfirm'
                    : 'disableConfirm',
                { title: pending.schedule.title },
              )
            : null}
        </p>
      </Modal>
    </section>
  );
}
