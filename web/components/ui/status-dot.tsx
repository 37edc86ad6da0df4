import type { AppStatus } from "@/server/modules/apps/apps.types";

const COLORS: Record<AppStatus, string> = {
  running: "bg-emerald-500",
  unhealthy: "bg-amber-500",
  installing: "bg-amber-400 animate-pulse",
  starting: "bg-amber-400 animate-pulse",
  restarting: "bg-amber-400 animate-pulse",
  stopping: "bg-amber-400 animate-pulse",
  removing: "bg-amber-400 animate-pulse",
  stopped: "bg-slate-400",
  failed: "bg-rose-500",
  broken: "bg-rose-500",
};

export function StatusDot({ status, className = "" }: { status: AppStatus; className?: string }) {
  return <span aria-hidden="true" className={`inline-block size-2 rounded-full ring-2 ring-surface ${COLORS[status]} ${className}`} />;
}

/** Words for a status, as the owner would say them. */
export const STATUS_LABEL: Record<AppStatus, string> = {
  running: "Running",
  unhealthy: "Not responding",
  installing: "Installing",
  starting: "Starting",
  restarting: "Restarting",
  stopping: "Stopping",
  removing: "Uninstalling",
  stopped: "Stopped",
  failed: "Not working",
  broken: "Damaged",
};
