import { defineMessages, useT } from '../../core/i18n';
import { toast, useId } from '../../ui/components';
import { copyText } from './copy';

const messages = defineMessages({
  vi: {
    copy: 'Sao chép',
    copied: 'Đã sao chép',
    copyFailed: 'Không sao chép được, hãy chọn và sao chép thủ công',
  },
  en: { copy: 'Copy', copied: 'Copied', copyFailed: 'Could not copy: select the text and copy it by hand' },
});

/** A value to carry elsewhere (a password, a URL): read-only, selected on focus, with a copy button. */
export function SecretField(props: { label: string; value: string; secret?: boolean; hint?: string }) {
  const t = useT(messages);
  const id = useId('secret');
  return (
    <div class={`field registry-secret${props.secret ? ' registry-secret-key' : ''}`}>
      <label for={id}>{props.label}</label>
      <div class="registry-secret-row">
        <input
          id={id}
          readOnly
          value={props.value}
          spellcheck={false}
          autoComplete="off"
          aria-describedby={props.hint ? `${id}-hint` : undefined}
          onFocus={(e) => (e.target as HTMLInputElement).select()}
        />
        <button
          type="button"
          class="btn btn-secondary"
          aria-label={`${t('copy')}: ${props.label}`}
          onClick={async () => {
            const ok = await copyText(props.value);
            toast(ok ? t('copied') : t('copyFailed'), ok ? 'ok' : 'warn');
          }}
        >
          {t('copy')}
        </button>
      </div>
      {props.hint ? (
        <small id={`${id}-hint`} class="hint">
          {props.hint}
        </small>
      ) : null}
    </div>
  );
}
