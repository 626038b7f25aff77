import type { ComponentChildren } from 'preact';

/** The primary button of a dialog's footer, submitting the form in the dialog's body (`form` = its id). */
export function SubmitButton(props: {
  form: string;
  busy?: boolean;
  variant?: 'primary' | 'danger';
  children: ComponentChildren;
}) {
  return (
    <button
      type="submit"
      form={props.form}
      class={`btn btn-${props.variant ?? 'primary'}`}
      disabled={props.busy}
      aria-busy={props.busy ? 'true' : undefined}
    >
      {props.busy ? <span class="spinner" aria-hidden="true" /> : null}
      {props.children}
    </button>
  );
}
