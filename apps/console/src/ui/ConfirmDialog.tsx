import { useState } from 'preact/hooks';
import { useT } from '../core/i18n';
import { common } from '../core/messages';
import { Button, Modal, toastError } from './components';

/** Asks before something hard to undo (disable an account, revoke a key); stays open while it runs. */
export function ConfirmDialog(props: {
  title: string;
  text: string;
  confirm: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const tc = useT(common);
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open
      title={props.title}
      onClose={props.onClose}
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose}>
            {tc('cancel')}
          </Button>
          <Button
            variant="danger"
            busy={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await props.onConfirm();
                props.onClose();
              } catch (err) {
                toastError(err);
              } finally {
                setBusy(false);
              }
            }}
          >
            {props.confirm}
          </Button>
        </>
      }
    >
      <p>{props.text}</p>
    </Modal>
  );
}
