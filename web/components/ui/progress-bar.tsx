/**
 * A step and how far it is. With a percent the bar fills; without one (a build, starting a container) it
 * sweeps, and assistive tech hears the step alone.
 */
export function ProgressBar({ label, percent, testId, className = "" }: { label: string; percent: number | null; testId?: string; className?: string }) {
  const p = percent === null ? null : Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={p === null ? undefined : 0}
      aria-valuemax={p === null ? undefined : 100}
      aria-valuenow={p ?? undefined}
      aria-valuetext={p === null ? label : `${label}, ${p}%`}
      data-testid={testId}
      data-step={label}
      data-percent={p ?? ""}
      className={`relative h-1.5 w-full overflow-hidden rounded-full bg-surface-3 ${className}`}
    >
      {p === null ? (
        <span className="pcc-progress-sweep absolute inset-y-0 w-1/3 rounded-full bg-indigo-500" />
      ) : (
        <span className="absolute inset-y-0 left-0 rounded-full bg-indigo-500 transition-[width] duration-300" style={{ width: `${p}%` }} />
      )}
    </div>
  );
}
