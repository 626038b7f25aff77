import { useState } from 'preact/hooks';
import { useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { Button, Field, Modal } from '../../ui/components';
import { Icon } from '../../ui/icons';
import type { TargetValue } from '../live/TargetPicker';
import { CONFIRM_WORD, confirmMatches } from './confirm';
import { messages } from './messages';

/**
 * The last step before an emergency goes out: says what plays, where and on how many clusters, and only
 * sends once the operator has typed the confirmation word (no accidental double click sends it).
 */
export function ConfirmDialog(props: {
  mediaTitle: string;
  duration: string;
  target: TargetValue;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const t = useT(messages);
  const tc = useT(common);
  const [typed, setTyped] = useState('');
  const ok = confirmMatches(typed);
  return (
    <Modal
      open
      title={t('confirmTitle')}
      onClose={props.onCancel}
      footer={
        <>
          <Button variant="ghost" onClick={props.onCancel}>
            {tc('cancel')}
          </Button>
          <Button variant="danger" disabled={!ok} busy={props.busy} onClick={props.onConfirm}>
            <Icon name="siren" /> {t('confirmSend')}
          </Button>
        </>
      }
    >
      <div class="emergency-confirm">
        <p class="emergency-confirm-what">
          {t('confirmWhat', { media: props.mediaTitle, duration: props.duration })}{' '}
          {t('confirmWhere', { where: props.target.description, n: props.target.count })}
        </p>
        <p class="notice notice-warn">{t('confirmPreempt')}</p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (ok && !props.busy) props.onConfirm();
          }}
        >
          <Field label={t('confirmType', { word: CONFIRM_WORD })} required>
            {(attrs) => (
              <input
                {...attrs}
                value={typed}
                autoComplete="off"
                autoCapitalize="characters"
                spellcheck={false}
                class="emergency-confirm-input"
                onInput={(e) => setTyped(e.currentTarget.value)}
              />
            )}
          </Field>
        </form>
      </div>
    </Modal>
  );
}
