"use client";

import type { InstalledApp } from "@/web/hooks/use-apps";
import { CredentialsList } from "./credentials-list";

/**
 * The secrets PCC generated for the app that its spec says the owner should see (a first admin password),
 * and whether the app signs the owner in by itself: from a header PCC sets (spec `auth: {method: header}`)
 * or by OpenID Connect, with the PCC as its provider (`auth: {method: oidc}`).
 */
export function AppCredentials({ app }: { app: InstalledApp }) {
  const signsIn = app.urls.filter((u) => u.signIn);
  return (
    <div className="space-y-3">
      {signsIn.map((u) => (
        <div key={u.name} data-testid={`sign-in-${u.signIn!.method}-${u.name}`} className="rounded-xl bg-surface-2 p-3 text-sm text-fg ring-1 ring-line">
          <p className="font-medium">Signs you in by itself{app.urls.length > 1 ? ` (${u.name})` : ""}</p>
          {u.signIn!.method === "header" ? (
            <p className="mt-1 text-fg-muted">
              Your PCC tells {app.name} who you are: on requests from your signed-in devices it sets the{" "}
              <code className="font-mono text-[12px]">{u.signIn!.header}</code> header to{" "}
              <code className="font-mono text-[12px]">{u.signIn!.user}</code>, and removes any copy of it sent by anyone else.
            </p>
          ) : (
            <p className="mt-1 text-fg-muted">
              {app.name} asks your PCC who you are (OpenID Connect): opened from a signed-in device, it signs you in with no password;
              nobody else gets past your PCC&apos;s sign-in.
            </p>
          )}
        </div>
      ))}
      <p className="text-sm text-fg-muted">Generated for {app.name} when it was installed, kept sealed on your PCC. Use them to sign in to the app.</p>
      <CredentialsList appId={app.id} empty={<p data-testid="credentials-none" className="text-sm text-fg-muted">{app.name} has no sign-in details for you: it generated none, or keeps them to itself.</p>} />
    </div>
  );
}
