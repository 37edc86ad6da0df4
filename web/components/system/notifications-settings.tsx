"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Button } from "@/web/components/ui/button";
import { Toggle } from "@/web/components/ui/field";
import { Spinner } from "@/web/components/ui/spinner";
import { errorMessage } from "@/web/lib/errors";
import { useTRPC } from "@/web/lib/trpc";
import { currentSubscription, pushSupport, subscribeBrowser, type PushSupport } from "@/web/lib/web-push";

/**
 * Web push for this browser: a switch that asks permission and subscribes with PCC's VAPID key, and a
 * test. PCC then tells this device when apps install, update or go down, and when a device joins.
 */
export function NotificationsSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [support, setSupport] = useState<PushSupport | null>(null);
  const [endpoint, setEndpoint] = useState<string | null | undefined>(undefined);
  const key = useQuery(trpc.notifications.publicKey.queryOptions(undefined, { enabled: support === "supported", staleTime: Infinity }));
  const refreshList = () => queryClient.invalidateQueries({ queryKey: trpc.notifications.list.queryKey() });
  const subscribe = useMutation(trpc.notifications.subscribe.mutationOptions({ onSuccess: refreshList }));
  const unsubscribe = useMutation(trpc.notifications.unsubscribe.mutationOptions({ onSuccess: refreshList }));
  const test = useMutation(trpc.notifications.test.mutationOptions());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setSupport(pushSupport());
    currentSubscription().then(
      (s) => setEndpoint(s?.endpoint ?? null),
      () => setEndpoint(null),
    );
  }, []);

  async function change(on: boolean) {
    setBusy(true);
    setError(null);
    test.reset();
    try {
      if (on) {
        if (!key.data) throw new Error("PCC's notification key has not loaded yet. Try again in a moment.");
        const sub = await subscribeBrowser(key.data.publicKey);
        // PCC checks every field (https endpoint, key lengths); missing ones are refused there.
        const keys = { p256dh: sub.keys?.p256dh ?? "", auth: sub.keys?.auth ?? "" };
        await subscribe.mutateAsync({ subscription: { endpoint: sub.endpoint ?? "", expirationTime: sub.expirationTime ?? null, keys } });
        setEndpoint(sub.endpoint ?? null);
      } else {
        const sub = await currentSubscription();
        // PCC forgets it first: a browser that fails to unsubscribe then gets nothing anyway.
        if (sub) await unsubscribe.mutateAsync({ endpoint: sub.endpoint });
        await sub?.unsubscribe();
        setEndpoint(null);
      }
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSupport(pushSupport());
      setBusy(false);
    }
  }

  const on = Boolean(endpoint);
  const state =
    support === "unsupported"
      ? "This browser cannot receive notifications from a web page. On an iPhone, add PCC to the Home Screen first."
      : support === "denied"
        ? "Notifications are blocked for this site. Allow them in the browser's site settings, then come back."
        : on
          ? "On for this browser."
          : "Off for this browser.";

  return (
    <section aria-labelledby="settings-notifications" data-testid="notifications-settings">
      <h2 id="settings-notifications" className="text-base font-semibold text-fg">
        Notifications
      </h2>
      <div className="mt-2">
        <Toggle
          testId="notifications-switch"
          checked={on}
          disabled={busy || support !== "supported" || endpoint === undefined}
          onChange={(v) => void change(v)}
          label="Notify this device"
          hint="When apps finish installing or updating, when one goes down, and when a new device joins your PCC."
        />
      </div>
      <p data-testid="notifications-state" className="mt-1 text-sm text-fg-muted" aria-live="polite">
        {busy ? <Spinner className="size-4" /> : state}
      </p>
      {on && (
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <Button data-testid="notifications-test" disabled={test.isPending || busy} onClick={() => test.mutate()}>
            {test.isPending && <Spinner className="size-3.5" />}
            Send test
          </Button>
          {test.data && (
            <p className="text-sm text-fg-muted" role="status">
              {test.data.sent ? "Sent. It should appear in a moment." : test.data.removed ? "This browser's subscription had expired. Turn notifications off and on again." : "The push service did not take it. Try again later."}
            </p>
          )}
        </div>
      )}
      {(error || test.error) && (
        <p className="mt-2 text-sm text-danger" role="alert">
          {error ?? errorMessage(test.error)}
        </p>
      )}
    </section>
  );
}
