/** Form building blocks: one source for labels, red stars, hints and errors. */
import type { Child } from "hono/jsx";

/** Props of {@link Field}. */
export interface FieldProps {
  label: string;
  name: string;
  value?: string | number | null;
  error?: string;
  hint?: string;
  /** The browser refuses an empty value (`required`); only for fields the server never fills or saves empty. */
  required?: boolean;
  /** A red star only: required for completeness, but the server accepts it empty (partial saves, proposals). */
  starred?: boolean;
  type?: string;
  autocomplete?: string;
  inputmode?: "numeric" | "tel" | "email" | "text";
  maxlength?: number;
  readonly?: boolean;
  placeholder?: string;
}

/** What frames a control: its name (the id is `f-name`), label, star, hint and error. */
type Frame = Pick<FieldProps, "name" | "label" | "required" | "starred" | "hint" | "error">;

/**
 * One form control in its frame: the label (with its red star), the control,
 * its hint and its error message, both linked to the control by
 * aria-describedby (`control` receives the id and that attribute).
 */
function Labelled({ of: p, control }: { of: Frame; control: (id: string, describedBy?: string) => Child }) {
  const id = `f-${p.name}`;
  const describedBy = [p.hint ? `${id}-hint` : "", p.error ? `${id}-err` : ""].filter(Boolean).join(" ");
  return (
    <div class={p.error ? "field invalid" : "field"}>
      <label for={id}>
        {p.required || p.starred ? <span class="req" aria-hidden="true">*</span> : null}
        {p.label}
      </label>
      {control(id, describedBy || undefined)}
      {p.hint ? <small id={`${id}-hint`} class="hint">{p.hint}</small> : null}
      {p.error ? <small id={`${id}-err`} class="err">{p.error}</small> : null}
    </div>
  );
}

/** A labelled input with its hint and its error message (linked by aria-describedby). */
export function Field(p: FieldProps) {
  return (
    <Labelled
      of={p}
      control={(id, describedBy) => (
        <input
          id={id}
          name={p.name}
          type={p.type ?? "text"}
          value={p.value ?? ""}
          required={p.required}
          autocomplete={p.autocomplete}
          inputmode={p.inputmode}
          maxlength={p.maxlength}
          readonly={p.readonly}
          placeholder={p.placeholder}
          aria-invalid={p.error ? "true" : undefined}
          aria-describedby={describedBy}
        />
      )}
    />
  );
}

/**
 * A new password and its repetition (registration, reset): the policy hint, the browser's
 * new-password autofill, and the error shown under the first field.
 */
export function NewPasswordFields(
  { label, repeatLabel, error }: { label: string; repeatLabel: string; error?: string },
) {
  return (
    <>
      <Field
        label={label}
        name="password"
        type="password"
        required
        autocomplete="new-password"
        hint="8–64 位，须同时包含字母和数字"
        error={error}
      />
      <Field label={repeatLabel} name="password2" type="password" required autocomplete="new-password" />
    </>
  );
}

/** Props of {@link Select}. */
export interface SelectProps {
  label: string;
  name: string;
  options: readonly (string | { value: string; label: string })[];
  value?: string | number | null;
  error?: string;
  required?: boolean;
  /** A red star without the `required` attribute (see {@link FieldProps.starred}). */
  starred?: boolean;
  hint?: string;
  disabled?: boolean;
}

/** A labelled <select> with an empty "please choose" option. */
export function Select(p: SelectProps) {
  return (
    <Labelled
      of={p}
      control={(id, describedBy) => (
        <select
          id={id}
          name={p.name}
          required={p.required}
          disabled={p.disabled}
          aria-invalid={p.error ? "true" : undefined}
          aria-describedby={describedBy}
        >
          <option value="">请选择</option>
          {p.options.map((o) => {
            const { value, label } = typeof o === "string" ? { value: o, label: o } : o;
            return (
              <option value={value} selected={String(p.value ?? "") === value}>
                {label}
              </option>
            );
          })}
        </select>
      )}
    />
  );
}

/** The hidden CSRF field every POST form carries. */
export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/** A summary of errors at the top of a form (announced to screen readers). */
export function FormErrors({ errors }: { errors: (string | undefined)[] }) {
  const list = errors.filter(Boolean);
  if (list.length === 0) return null;
  return (
    <div class="errors" role="alert" tabindex={-1} data-focus="">
      <p>请修改以下 {list.length} 处问题：</p>
      <ul>{list.map((e) => <li>{e}</li>)}</ul>
    </div>
  );
}

/**
 * A notice box (success or info). With `focus`, the notice is where the user
 * looks after a save: `id` names it for the fragment URL a plain form is
 * redirected to (`…?saved=1#id`), and static/app.js focuses it (tabindex=-1)
 * after htmx swaps it in.
 */
export function Notice(
  { children, kind = "ok", id, focus }: {
    children: Child;
    kind?: "ok" | "info" | "warn";
    id?: string;
    focus?: boolean;
  },
) {
  return (
    <div
      class={`notice ${kind}`}
      role="status"
      id={id}
      tabindex={focus ? -1 : undefined}
      data-focus={focus ? "" : undefined}
    >
      {children}
    </div>
  );
}
