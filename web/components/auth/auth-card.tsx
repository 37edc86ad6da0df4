"use client";

import type { ButtonHTMLAttributes, InputHTMLAttributes, ReactNode } from "react";
import { PccLogo } from "@/web/components/ui/pcc-logo";
import { Spinner } from "@/web/components/ui/spinner";

/** The card every sign-in and setup step sits on, over the wallpaper. */
export function AuthCard({ title, lead, testId, children }: { title: string; lead?: ReactNode; testId?: string; children: ReactNode }) {
  return (
    <main className="pcc-wallpaper fixed inset-0 flex items-center justify-center overflow-y-auto p-4">
      <div data-testid={testId} className="w-full max-w-md rounded-3xl bg-surface/90 p-7 text-fg shadow-2xl ring-1 ring-white/60 backdrop-blur-2xl sm:p-8">
        <div className="flex items-center gap-2.5">
          <PccLogo />
          <span className="text-sm font-semibold tracking-wide text-fg-muted">PCC</span>
        </div>
        <h1 className="mt-5 text-2xl font-semibold tracking-tight">{title}</h1>
        {lead && <p className="mt-1 text-sm text-fg-muted">{lead}</p>}
        {children}
      </div>
    </main>
  );
}

export function AuthError({ message, id = "auth-error" }: { message: string | null; id?: string }) {
  if (!message) return null;
  return (
    <p id={id} data-testid="auth-error" role="alert" className="mt-3 rounded-lg bg-rose-500/10 px-3 py-2 text-[13px] text-danger">
      {message}
    </p>
  );
}

export function Field({ label, id, hint, ...input }: InputHTMLAttributes<HTMLInputElement> & { label: string; id: string; hint?: ReactNode }) {
  return (
    <div className="mt-5">
      <label htmlFor={id} className="block text-[13px] font-medium text-fg-muted">
        {label}
      </label>
      <input
        id={id}
        autoCapitalize="off"
        spellCheck={false}
        className="mt-1.5 block h-11 w-full rounded-xl bg-surface px-3.5 text-[15px] text-fg ring-1 ring-line outline-none placeholder:text-fg-subtle focus:ring-2 focus:ring-indigo-500 aria-invalid:ring-rose-400"
        {...input}
      />
      {hint && <p className="mt-2 text-[12px] text-fg-subtle">{hint}</p>}
    </div>
  );
}

export function BigButton({ busy, children, className = "", ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { busy?: boolean }) {
  return (
    <button
      type="button"
      className={`mt-6 flex h-11 w-full items-center justify-center gap-2 rounded-xl bg-indigo-600 text-sm font-semibold text-white shadow-sm transition-colors hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 disabled:opacity-60 ${className}`}
      {...props}
    >
      {busy && <Spinner />}
      {children}
    </button>
  );
}

export function LinkButton({ className = "", ...props }: ButtonHTMLAttributes<HTMLButtonElement>) {
  return <button type="button" className={`text-[13px] font-medium text-accent underline-offset-2 hover:underline ${className}`} {...props} />;
}

export const Kbd = ({ children }: { children: ReactNode }) => <code className="rounded bg-surface-3 px-1 py-0.5 font-mono text-[12px]">{children}</code>;

/** A default name for this device, from what the browser says it is; the owner can change it. */
export function guessDeviceName(): string {
  if (typeof navigator === "undefined") return "";
  const ua = navigator.userAgent;
  const os = /iPhone/.test(ua) ? "iPhone" : /iPad/.test(ua) ? "iPad" : /Android/.test(ua) ? "Android phone" : /Mac/.test(ua) ? "Mac" : /Windows/.test(ua) ? "Windows PC" : /Linux/.test(ua) ? "Linux computer" : "";
  return os ? `My ${os}` : "";
}
