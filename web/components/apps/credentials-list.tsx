"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "@/web/lib/errors";
import { useTRPC } from "@/web/lib/trpc";
import { Button } from "@/web/components/ui/button";
import { CopyButton } from "@/web/components/ui/copy-button";
import { Spinner } from "@/web/components/ui/spinner";

type Credential = { name: string; description: string | null; value: string };

/** The app's generated secrets meant for the owner (spec: `show: true`), hidden until asked, copyable. */
export function CredentialsList({ appId, empty = null, note = null }: { appId: string; empty?: React.ReactNode; note?: React.ReactNode }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.apps.credentials.queryOptions({ id: appId }, { staleTime: 60_000 }));
  if (q.isPending) return <Spinner className="size-5 text-fg-subtle" />;
  if (q.error) return <p className="text-sm text-danger">{errorMessage(q.error)}</p>;
  const list = q.data as Credential[];
  if (list.length === 0) return <>{empty}</>;
  return (
    <>
      <ul data-testid="credentials" className="space-y-2">
        {list.map((c) => (
          <CredentialRow key={c.name} c={c} />
        ))}
      </ul>
      {note}
    </>
  );
}

function CredentialRow({ c }: { c: Credential }) {
  const [shown, setShown] = useState(false);
  return (
    <li data-testid={`credential-${c.name}`} className="rounded-xl bg-surface-2 p-3 ring-1 ring-line">
      <p className="text-sm font-medium text-fg">{c.description ?? c.name}</p>
      {c.description && <p className="font-mono text-[12px] text-fg-muted">{c.name}</p>}
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          data-testid={`credential-value-${c.name}`}
          className="min-w-0 flex-1 rounded-lg bg-surface px-2.5 py-1.5 font-mono text-[13px] break-all text-fg ring-1 ring-line"
        >
          {shown ? (
            c.value
          ) : (
            <>
              <span aria-hidden="true">••••••••••••</span>
              <span className="sr-only">hidden</span>
            </>
          )}
        </code>
        <Button data-testid={`credential-show-${c.name}`} aria-pressed={shown} onClick={() => setShown((s) => !s)}>
          {shown ? "Hide" : "Show"}
        </Button>
        <CopyButton value={c.value} label={`Copy ${c.description ?? c.name}`} testId={`credential-copy-${c.name}`} />
      </div>
    </li>
  );
}
