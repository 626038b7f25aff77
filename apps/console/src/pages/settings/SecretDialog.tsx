import { useT } from '../../core/i18n';
import { Button, Modal } from '../../ui/components';
import { SecretField } from '../registry/SecretField';
import { messages } from './messages';

/** A webhook's signing secret, shown once (after creation or a rotation). */
export function SecretDialog(props: {
  shown: { name: string; secret: string; rotated: boolean } | null;
  onClose: () => void;
}) {
  const t = useT(messages);
  const shown = props.shown;
  return (
    <Modal
      open={!!shown}
      title={shown?.rotated ? t('secretTitleRotated') : t('secretTitle')}
      onClose={props.onClose}
      footer={
        <Button variant="primary" onClick={props.onClose}>
          {t('secretDone')}
        </Button>
      }
    >
      {shown ? (
        <>
          <p>
            <strong>{shown.name}</strong>
          </p>
          <div class="notice notice-warn" role="note">
            <strong>{t('secretOnceTitle')}</strong> {t('secretOnce')}
          </div>
          <SecretField label={t('secretLabel')} value={shown.secret} secret hint={t('secretHint')} />
        </>
      ) : null}
    </Modal>
  );
}
