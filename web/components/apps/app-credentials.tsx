"use client";

import type { InstalledApp } from "@/web/hooks/use-apps";
import { CredentialsList } from "./credentials-list";

/** The secrets PCC generated for the app that its spec says the owner should see (a first admin password). */
export function AppCredentials({ app }: { app: InstalledApp }) {
  return (
    <div className="space-y-3">
      <p className="text-sm text-fg-muted">Generated for {app.name} when it was installed, kept sealed on your PCC. Use them to sign in to the app.</p>
      <CredentialsList appId={app.id} empty={<p data-testid="credentials-none" className="text-sm text-fg-muted">{app.name} has no sign-in details for you: it generated none, or keeps them to itself.</p>} />
    </div>
  );
}
