"use client";

import { useNotifications } from "@/web/hooks/use-notifications";
import { lazyComponent } from "@/web/lib/lazy";

const ToastList = lazyComponent(() => import("./toast-list").then((m) => m.ToastList));

/**
 * New notifications, briefly, in the corner; they stay in the notification centre afterwards. The live
 * region is always there, so a screen reader hears what is added to it.
 */
export function Toasts({ phone }: { phone: boolean }) {
  const { toasts } = useNotifications();
  return (
    <div
      role="status"
      aria-live="polite"
      className={`pointer-events-none fixed z-[95000] flex w-[min(22rem,calc(100vw-1rem))] flex-col gap-2 ${
        phone ? "top-[max(0.5rem,env(safe-area-inset-top))] left-1/2 -translate-x-1/2" : "top-[calc(var(--top-reserve)+0.5rem)] right-2"
      }`}
    >
      {toasts.length > 0 && <ToastList />}
    </div>
  );
}
