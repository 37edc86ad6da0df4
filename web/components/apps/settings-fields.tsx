"use client";

import type { Setting } from "@/server/modules/spec/spec-settings";
import type { SettingsDraft } from "@/web/lib/install-answer";
import { describedBy, Field, INPUT_CLASS, Toggle } from "@/web/components/ui/field";

type Props = {
  settings: Setting[];
  draft: SettingsDraft;
  onChange: (d: SettingsDraft) => void;
  errors?: Record<string, string>;
  /** install: fields start at the defaults; edit: empty means "keep the current value". */
  mode: "install" | "edit";
  idBase: string;
  disabled?: boolean;
};

/** The form an app's spec declares (text, password, number, select, on/off), with each field's problem. */
export function SettingsFields({ settings, draft, onChange, errors = {}, mode, idBase, disabled }: Props) {
  const set = (key: string, v: string | boolean | undefined) => onChange({ ...draft, [key]: v });
  const keep = mode === "edit";
  return (
    <div className="space-y-4">
      {settings.map((s) => {
        const id = `${idBase}-setting-${s.key}`;
        const error = errors[s.key];
        const hint = [s.description, keep && s.type === "password" ? "Leave empty to keep the current password." : null].filter(Boolean).join(" ") || undefined;
        const common = {
          id,
          "data-testid": `setting-${s.key}`,
          disabled,
          "aria-invalid": error ? true : undefined,
          "aria-describedby": describedBy(id, hint, error),
        } as const;
        const value = draft[s.key];
        if (s.type === "boolean" && !keep) {
          return (
            <div key={s.key}>
              <Toggle testId={`setting-${s.key}`} checked={value === true} disabled={disabled} onChange={(on) => set(s.key, on)} label={s.label} hint={s.description} />
              {error && <p className="mt-1 text-[13px] text-danger">{error}</p>}
            </div>
          );
        }
        return (
          <Field key={s.key} id={id} label={s.label} hint={hint} error={error} required={s.required && !keep}>
            {s.type === "boolean" ? (
              <select {...common} value={value === undefined ? "" : String(value)} onChange={(e) => set(s.key, e.target.value === "" ? undefined : e.target.value === "true")} className={INPUT_CLASS}>
                <option value="">Keep as it is</option>
                <option value="true">On</option>
                <option value="false">Off</option>
              </select>
            ) : s.type === "select" ? (
              <select {...common} value={value === undefined ? "" : String(value)} onChange={(e) => set(s.key, e.target.value === "" ? undefined : e.target.value)} className={INPUT_CLASS}>
                {(keep || s.default === undefined) && <option value="">{keep ? "Keep as it is" : "Choose…"}</option>}
                {s.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                {...common}
                type={s.type === "password" ? "password" : s.type === "number" ? "number" : "text"}
                inputMode={s.type === "number" ? "decimal" : undefined}
                min={s.type === "number" ? s.min : undefined}
                max={s.type === "number" ? s.max : undefined}
                autoComplete={s.type === "password" ? "new-password" : "off"}
                spellCheck={false}
                placeholder={keep ? "Unchanged" : undefined}
                value={typeof value === "string" ? value : ""}
                onChange={(e) => set(s.key, keep && e.target.value === "" ? undefined : e.target.value)}
                className={`${INPUT_CLASS} ${s.type === "password" ? "font-mono" : ""}`}
              />
            )}
          </Field>
        );
      })}
    </div>
  );
}
