import { useState } from 'preact/hooks';
import { useT } from '../../core/i18n';
import { Button, Field } from '../../ui/components';
import { generatePassword } from './admin-logic';
import { messages } from './messages';

/** A password field with show/hide and, for passwords given to others, a generator. */
export function PasswordInput(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  error?: string;
  hint?: string;
  required?: boolean;
  generator?: boolean;
  autocomplete?: string;
}) {
  const t = useT(messages);
  const [visible, setVisible] = useState(false);
  return (
    <Field label={props.label} error={props.error} hint={props.hint} required={props.required}>
      {(attrs) => (
        <div class="admin-password">
          <input
            {...attrs}
            type={visible ? 'text' : 'password'}
            value={props.value}
            autocomplete={props.autocomplete ?? 'new-password'}
            spellcheck={false}
            onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
          />
          <button type="button" class="btn btn-ghost" onClick={() => setVisible(!visible)}>
            {visible ? t('hidePassword') : t('showPassword')}
          </button>
          {props.generator ? (
            <Button
              onClick={() => {
                props.onInput(generatePassword((b) => crypto.getRandomValues(b)));
                setVisible(true);
              }}
            >
              {t('generate')}
            </Button>
          ) : null}
        </div>
      )}
    </Field>
  );
}
