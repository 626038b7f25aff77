import { useT } from '../../core/i18n';
import { toast } from '../../ui/components';
import { messages } from './messages';

/** Copies text: the Clipboard API where the page is a secure context, else a selected textarea. */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall back below */
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

/** One secret shown once: read-only, selectable, with a copy button. */
export function SecretValue(props: { label: string; value: string }) {
  const t = useT(messages);
  const id = `secret-${props.label.replace(/\W+/g, '-')}`;
  return (
    <div class="field admin-secret">
      <label for={id}>{props.label}</label>
      <div class="admin-secret-row">
        <input
          id={id}
          readOnly
          value={props.value}
          spellcheck={false}
          onFocus={(e) => (e.target as HTMLInputElement).select()}
        />
        <button
          type="button"
          class="btn btn-primary"
          aria-label={`${t('copy')} ${props.label.toLowerCase()}`}
          onClick={async () => {
            const ok = await copyText(props.value);
            toast(ok ? t('copied') : t('copyFailed'), ok ? 'ok' : 'warn');
          }}
        >
          {t('copy')}
        </button>
      </div>
    </div>
  );
}
