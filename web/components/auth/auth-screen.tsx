"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { errorMessage } from "@/web/lib/errors";
import { safeNextPath } from "@/web/lib/next-param";
import { useTRPC } from "@/web/lib/trpc";
import { Spinner } from "@/web/components/ui/spinner";

type Mode = "setup" | "signin";

const COPY: Record<Mode, { title: string; lead: string; label: string; hint: React.ReactNode; submit: string }> = {
  setup: {
    title: "Set up your PCC",
    lead: "Welcome. Claim this personal cloud computer to become its owner.",
    label: "Setup code",
    hint: (
      <>
        <code className="rounded bg-slate-900/5 px-1 py-0.5 font-mono text-[12px]">./pcc start</code> printed it on the server&apos;s console.
      </>
    ),
    submit: "Claim my PCC",
  },
  signin: {
    title: "Sign in",
    lead: "This PCC has an owner. Prove it's you with a one-time code.",
    label: "Sign-in code",
    hint: (
      <>
        Run <code className="rounded bg-slate-900/5 px-1 py-0.5 font-mono text-[12px]">./pcc login-code</code> on the machine to get one.
      </>
    ),
    submit: "Sign in",
  },
};

export function AuthScreen({ mode }: { mode: Mode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [code, setCode] = useState("");
  const [redirecting, setRedirecting] = useState(false);
  const onSuccess = async () => {
    const next = safeNextPath(window.location.search, window.location.origin);
    if (next) {
      setRedirecting(true);
      window.location.assign(next);
      return;
    }
    await queryClient.invalidateQueries({ queryKey: trpc.auth.state.queryKey() });
  };
  // An ALREADY_CLAIMED error means the state we rendered from is stale; re-ask so the right form shows.
  const onError = () => queryClient.invalidateQueries({ queryKey: trpc.auth.state.queryKey() });
  const claim = useMutation(trpc.auth.claim.mutationOptions({ onSuccess, onError }));
  const signIn = useMutation(trpc.auth.signIn.mutationOptions({ onSuccess }));
  const mutation = mode === "setup" ? claim : signIn;
  const copy = COPY[mode];
  const busy = mutation.isPending || redirecting;
  const error = errorMessage(mutation.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    mutation.mutate({ code: code.trim() });
  }

  return (
    <main className="pcc-wallpaper fixed inset-0 flex items-center justify-center overflow-y-auto p-4">
      <form
        onSubmit={submit}
        noValidate
        className="w-full max-w-sm rounded-3xl bg-white/75 p-8 shadow-2xl ring-1 ring-white/60 backdrop-blur-2xl"
      >
        <Logo />
        <h1 className="mt-5 text-2xl font-semibold tracking-tight text-slate-900">{copy.title}</h1>
        <p className="mt-1 text-sm text-slate-600">{copy.lead}</p>
        <label htmlFor="auth-code" className="mt-6 block text-[13px] font-medium text-slate-700">
          {copy.label}
        </label>
        <input
          id="auth-code"
          data-testid={mode === "setup" ? "setup-code-input" : "signin-code-input"}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoFocus
          autoComplete="one-time-code"
          autoCapitalize="off"
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "auth-error" : "auth-hint"}
          className="mt-1.5 block h-11 w-full rounded-xl bg-white px-3.5 font-mono text-[15px] tracking-wider text-slate-900 ring-1 ring-slate-900/10 outline-none placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-500 aria-invalid:ring-rose-400"
          placeholder="XXXX-XXXX"
        />
        <p id="auth-hint" className="mt-2 text-[12px] text-slate-500">
          {copy.hint}
        </p>
        {error && (
          <p id="auth-error" data-testid="auth-error" role="alert" className="mt-3 rounded-lg bg-rose-50 px-3 py-2 text-[13px] text-rose-700">
            {error}
          </p>
        )}
        <button
          type="submit"
          data-testid={mode === "setup" ? "setup-submit" : "signin-submit"}
          disabled={busy || code.trim() === ""}
          className="mt-6 flex h-11 w-full items-center justify-center gap-2 rounded-xl bg-indigo-600 text-sm font-semibold text-white shadow-sm transition-colors hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 disabled:opacity-60"
        >
          {busy && <Spinner />}
          {redirecting ? "Opening your app…" : copy.submit}
        </button>
      </form>
    </main>
  );
}

export function Logo() {
  return (
    <div className="flex items-center gap-2.5">
      <span className="flex size-10 items-center justify-center rounded-xl bg-gradient-to-br from-indigo-500 to-violet-600 text-white shadow-md">
        <svg viewBox="0 0 24 24" className="size-6" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
          <path d="M7 18a4.5 4.5 0 0 1-.6-8.96A6 6 0 0 1 18 9.5a4 4 0 0 1-.5 8.5H7Z" />
        </svg>
      </span>
      <span className="text-sm font-semibold tracking-wide text-slate-700">PCC</span>
    </div>
  );
}
