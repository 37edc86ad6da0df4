import type { AppStatus } from "@/server/modules/apps/apps.types";

const COLORS: Record<AppStatus, string> = {
  running: "bg-emerald-500",
  installing: "bg-amber-400 animate-pulse",
  starting: "bg-amber-400 animate-pulse",
  stopping: "bg-amber-400 animate-pulse",
  removing: "bg-amber-400 animate-pulse",
  stopped: "bg-slate-400",
  error: "bg-rose-500",
};

export function StatusDot({ status, className = "" }: { status: AppStatus; className?: string }) {
  return <span aria-hidden="true" className={`inline-block size-2 rounded-full ring-2 ring-white/80 ${COLORS[status]} ${className}`} />;
}
