"use client";

import { useQuery } from "@tanstack/react-query";
import type { UsageOverview, UsagePoint } from "@/server/modules/system/usage-history";
import { errorMessage } from "@/web/lib/errors";
import { formatBytes, formatPercent } from "@/web/lib/format-units";
import { useTRPC } from "@/web/lib/trpc";
import { Spinner } from "@/web/components/ui/spinner";

const HOUR_MS = 3600_000;

/**
 * The machine at a glance: CPU, memory and disk now, their trend over the last hour (a line per tile),
 * and which apps use what. Sampled by the server in the background, so opening this costs one query.
 */
export function SystemOverview() {
  const trpc = useTRPC();
  const q = useQuery(trpc.system.overview.queryOptions(undefined, { refetchInterval: 10_000 }));
  const o = q.data as UsageOverview | undefined;
  if (!o) {
    return q.error ? (
      <p role="alert" className="text-sm text-danger">
        {errorMessage(q.error)}
      </p>
    ) : (
      <Spinner className="size-5 text-fg-subtle" />
    );
  }
  const last = o.points.at(-1);
  const recent = since(o.points, HOUR_MS);
  if (!last) return <p className="text-sm text-fg-muted">Measuring…</p>;
  return (
    <div className="space-y-6" data-testid="system-overview">
      <section aria-labelledby="overview-title">
        <h2 id="overview-title" className="text-base font-semibold text-fg">
          This PCC
        </h2>
        <dl className="mt-3 grid gap-3 sm:grid-cols-3">
          <Gauge
            label="CPU"
            testId="overview-cpu"
            value={formatPercent(latest(o.points, (p) => p.cpuPercent))}
            hint={`of ${o.cores} ${o.cores === 1 ? "core" : "cores"}`}
            series={recent.map((p) => p.cpuPercent)}
            max={100}
          />
          <Gauge
            label="Memory"
            testId="overview-memory"
            value={formatBytes(last.memoryBytes)}
            hint={`of ${formatBytes(o.memoryTotalBytes)}`}
            series={recent.map((p) => p.memoryBytes)}
            max={o.memoryTotalBytes}
          />
          <Gauge
            label="Disk"
            testId="overview-disk"
            value={formatBytes(last.diskUsedBytes)}
            hint={o.diskTotalBytes ? `of ${formatBytes(o.diskTotalBytes)}` : "unknown size"}
            series={recent.map((p) => p.diskUsedBytes)}
            max={o.diskTotalBytes ?? 0}
          />
        </dl>
        <p className="mt-2 text-[12px] text-fg-subtle">
          The lines show the last hour; PCC keeps a day of samples, one every {Math.round(o.intervalMs / 1000)} s, until it restarts.
        </p>
      </section>
      <AppUsage overview={o} />
    </div>
  );
}

function since(points: UsagePoint[], ms: number) {
  const from = Date.now() - ms;
  return points.filter((p) => Date.parse(p.at) >= from);
}

function latest(points: UsagePoint[], pick: (p: UsagePoint) => number | null) {
  for (let i = points.length - 1; i >= 0; i--) {
    const v = pick(points[i]!);
    if (v !== null) return v;
  }
  return null;
}

function Gauge({ label, testId, value, hint, series, max }: { label: string; testId: string; value: string; hint: string; series: (number | null)[]; max: number }) {
  return (
    <div data-testid={testId} className="rounded-xl bg-surface-2 p-3 ring-1 ring-line">
      <dt className="text-[12px] text-fg-subtle">{label}</dt>
      <dd>
        <span className="text-lg font-semibold text-fg">{value}</span> <span className="text-[12px] text-fg-muted">{hint}</span>
        <Sparkline series={series} max={max} label={`${label} over the last hour`} />
      </dd>
    </div>
  );
}

/** A line of the samples, scaled to the resource's whole (100 %, all memory, the whole disk). */
function Sparkline({ series, max, label }: { series: (number | null)[]; max: number; label: string }) {
  const W = 240;
  const H = 40;
  const known = series.map((v, i) => [i, v] as const).filter((e): e is readonly [number, number] => e[1] !== null);
  if (known.length < 2 || max <= 0) return <div className="mt-2 h-10" aria-hidden />;
  const x = (i: number) => (i / Math.max(1, series.length - 1)) * W;
  const y = (v: number) => H - Math.min(1, Math.max(0, v / max)) * (H - 2) - 1;
  const line = known.map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  return (
    <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={label} className="mt-2 h-10 w-full text-indigo-500">
      <polyline points={`${x(known[0]![0]).toFixed(1)},${H} ${line} ${x(known.at(-1)![0]).toFixed(1)},${H}`} className="fill-current opacity-15" stroke="none" />
      <polyline points={line} fill="none" stroke="currentColor" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
    </svg>
  );
}

function AppUsage({ overview: o }: { overview: UsageOverview }) {
  if (o.apps.length === 0) return null;
  const peak = Math.max(1, ...o.apps.map((a) => a.memoryBytes));
  return (
    <section aria-labelledby="overview-apps-title">
      <h2 id="overview-apps-title" className="text-base font-semibold text-fg">
        Apps
      </h2>
      <div className="mt-3 overflow-x-auto rounded-xl ring-1 ring-line">
        <table className="w-full text-left text-sm" data-testid="overview-apps">
          <caption className="sr-only">Use per app, latest sample</caption>
          <thead className="bg-surface-2 text-[12px] text-fg-subtle">
            <tr>
              {["App", "CPU (of the machine)", "Memory"].map((h) => (
                <th key={h} scope="col" className="px-3 py-2 font-medium whitespace-nowrap">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {o.apps.map((a) => (
              <tr key={a.appId} data-testid={`overview-app-${a.appId}`}>
                <th scope="row" className="px-3 py-2 font-normal whitespace-nowrap text-fg">
                  {a.name}
                </th>
                <td className="px-3 py-2 whitespace-nowrap text-fg">{formatPercent(a.cpuPercent)}</td>
                <td className="px-3 py-2 whitespace-nowrap text-fg">
                  <span className="inline-flex items-center gap-2">
                    <span aria-hidden className="inline-block h-1.5 w-16 overflow-hidden rounded-full bg-surface-3">
                      <span className="block h-full rounded-full bg-indigo-500" style={{ width: `${Math.round((a.memoryBytes / peak) * 100)}%` }} />
                    </span>
                    {formatBytes(a.memoryBytes)}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
