import type { InputHTMLAttributes, ReactNode } from "react";

export const INPUT_CLASS =
  "block h-11 w-full rounded-xl bg-surface px-3 text-[15px] text-fg ring-1 ring-line outline-none placeholder:text-fg-subtle focus:ring-2 focus:ring-indigo-500 aria-invalid:ring-2 aria-invalid:ring-rose-500 disabled:opacity-60 sm:h-9 sm:text-sm";

/** A labelled form field with its hint and its error, wired for screen readers. */
export function Field({ id, label, hint, error, required, children }: { id: string; label: ReactNode; hint?: ReactNode; error?: string | null; required?: boolean; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-fg">
        {label}
        {required && <span className="text-danger"> *</span>}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="mt-0.5 text-[13px] text-fg-muted">
          {hint}
        </p>
      )}
      <div className="mt-1.5">{children}</div>
      {error && (
        <p id={`${id}-error`} data-testid={`${id}-error`} className="mt-1 text-[13px] text-danger">
          {error}
        </p>
      )}
    </div>
  );
}

/** aria-describedby for a Field's control. */
export const describedBy = (id: string, hint: unknown, error: unknown) => [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;

export function TextInput(props: InputHTMLAttributes<HTMLInputElement>) {
  return <input {...props} className={`${INPUT_CLASS} ${props.className ?? ""}`} />;
}

/** A labelled on/off choice, 44 px tall on phones. */
export function Toggle({
  checked,
  onChange,
  label,
  hint,
  testId,
  disabled,
}: {
  checked: boolean;
  onChange: (on: boolean) => void;
  label: ReactNode;
  hint?: ReactNode;
  testId?: string;
  disabled?: boolean;
}) {
  return (
    <label className={`flex min-h-11 items-start gap-3 py-1 sm:min-h-0 ${disabled ? "opacity-60" : "cursor-pointer"}`}>
      <input
        type="checkbox"
        role="switch"
        data-testid={testId}
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        className="mt-0.5 size-5 shrink-0 accent-indigo-600 sm:size-4"
      />
      <span className="min-w-0 text-sm">
        <span className="font-medium text-fg">{label}</span>
        {hint && <span className="block text-[13px] text-fg-muted">{hint}</span>}
      </span>
    </label>
  );
}
