import { useT } from '../../core/i18n';
import { Button, Modal } from '../../ui/components';
import { messages } from './messages';
import type { Credential } from './registry-model';
import { SecretField } from './SecretField';

/**
 * The MQTT credential of an IP cluster, shown once (after registration or a new password): what to type
 * into the device, each with a copy button. The server never shows the password again.
 */
export function CredentialDialog(props: {
  shown: { code: string; name: string; credential: Credential; rotated: boolean } | null;
  onClose: () => void;
}) {
  const t = useT(messages);
  const shown = props.shown;
  return (
    <Modal
      open={!!shown}
      wide
      title={shown?.rotated ? t('credTitleRotated') : t('credTitle')}
      onClose={props.onClose}
      footer={
        <Button variant="primary" onClick={props.onClose}>
          {t('credDone')}
        </Button>
      }
    >
      {shown ? (
        <div class="registry-credential">
          <p>
            <strong>{shown.name}</strong> · {shown.code}
          </p>
          <div class="notice notice-warn" role="note">
            <strong>{t('credOnceTitle')}</strong> {t('credOnce')}
            {shown.rotated ? <> {t('credGrace')}</> : null}
          </div>
          <h3>{t('credDeviceTitle')}</h3>
          <p class="muted">{t('credDeviceIntro')}</p>
          {shown.credential.brokerUrl ? (
            <SecretField
              label={t('credBroker')}
              value={shown.credential.brokerUrl}
              hint={t('credBrokerHint')}
            />
          ) : (
            <p class="notice notice-info">{t('credBrokerUnknown')}</p>
          )}
          <SecretField
            label={t('credUsername')}
            value={shown.credential.username}
            hint={t('credUsernameHint')}
          />
          <SecretField label={t('credClientId')} value={shown.credential.clientId} />
          <SecretField label={t('credPassword')} value={shown.credential.password} secret />
        </div>
      ) : null}
    </Modal>
  );
}
