"use client";

import { useEffect, useState } from "react";
import type { AppStats } from "@/server/modules/runtime/observe/app-stats";
import type { InstalledApp } from "@/web/hooks/use-apps";
import { errorMessage } from "@/web/lib/errors";
import { formatBytes, formatPercent, formatRate } from "@/web/lib/format-units";
import { useTRPCClient } from "@/web/lib/trpc";
// Subscriptions travel over SSE: this registers the link that carries them.
import "@/web/lib/trpc-sse";
import { Spinner } from "@/web/components/ui/spinner";

/**
 * CPU, memory, network, block I/O and processes per service and in total, and the disk its volumes use:
 * a sample every 2 s from apps.stats (SSE) while the tab is open.
 */
export function AppStatsView({ app }: { app: InstalledApp }) {
  const client = useTRPCClient();
  const [stats, setStats] = useState<AppStats | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setStats(null);
    setError(null);
    const sub = client.apps.stats.subscribe(
      { id: app.id },
      {
        onData: (s) => {
          setStats(s as AppStats);
          setError(null);
        },
        onError: (e) => setError(errorMessage(e)),
      },
    );
    return () => sub.unsubscribe();
  }, [client, app.id]);

  if (!stats) {
    return error ? (
      <p role="alert" data-testid="stats-error" className="text-sm text-danger">
        {error}
      </p>
    ) : (
      <p role="status" className="flex items-center gap-2 text-sm text-fg-muted">
        <Spinner className="size-4" /> Measuring…
      </p>
    );
  }

  const t = stats.total;
  const cpuCores = t.cpuPercent === null ? null : t.cpuPercent / 100;
  return (
    <div className="space-y-5" data-testid="stats">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Tile label="CPU" testId="stats-cpu" value={formatPercent(t.cpuPercent)} hint={cpuCores === null ? "measuring" : `of one core${cpuCores > 1 ? ` (${cpuCores.toFixed(1)} cores)` : ""}`} />
        <Tile
          label="Memory"
          testId="stats-memory"
          value={formatBytes(t.memoryBytes)}
          hint={t.memoryLimitBytes ? `of ${formatBytes(t.memoryLimitBytes)}` : undefined}
        />
        <Tile label="Network" testId="stats-network" value={`↓ ${formatRate(t.netRxBytesPerSec)}`} hint={`↑ ${formatRate(t.netTxBytesPerSec)} · ${formatBytes(t.netRxBytes + t.netTxBytes)} in all`} />
        <Tile label="Disk" testId="stats-disk" value={formatBytes(stats.disk.bytes)} hint={`${stats.disk.volumes.length} ${stats.disk.volumes.length === 1 ? "volume" : "volumes"}`} />
      </dl>

      <div className="overflow-x-auto rounded-xl ring-1 ring-line">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Per service</caption>
          <thead className="bg-surface-2 text-[12px] text-fg-subtle">
            <tr>
              {["Service", "CPU", "Memory", "Network in / out", "Disk read / write", "Processes"].map((h) => (
                <th key={h} scope="col" className="px-3 py-2 font-medium whitespace-nowrap">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {stats.services.map((s) => (
              <tr key={s.service} data-testid={`stats-service-${s.service}`}>
                <th scope="row" className="px-3 py-2 font-mono font-normal whitespace-nowrap text-fg">
                  {s.service}
                  {!s.running && <span className="ml-2 font-sans text-[12px] text-fg-muted">stopped</span>}
                </th>
                <td data-testid={`stats-cpu-${s.service}`} className="px-3 py-2 whitespace-nowrap text-fg">
                  {formatPercent(s.cpuPercent)}
                </td>
                <td data-testid={`stats-memory-${s.service}`} className="px-3 py-2 whitespace-nowrap text-fg">
                  {formatBytes(s.memoryBytes)}
                  {s.memoryLimitBytes > 0 && <span className="text-fg-muted"> / {formatBytes(s.memoryLimitBytes)}</span>}
                </td>
                <td className="px-3 py-2 whitespace-nowrap text-fg">
                  {formatBytes(s.netRxBytes)} / {formatBytes(s.netTxBytes)}
                </td>
                <td className="px-3 py-2 whitespace-nowrap text-fg">
                  {formatBytes(s.blockReadBytes)} / {formatBytes(s.blockWriteBytes)}
                </td>
                <td className="px-3 py-2 text-fg">{s.pids}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {stats.disk.volumes.length > 0 && (
        <section aria-labelledby="stats-volumes">
          <h2 id="stats-volumes" className="text-sm font-semibold text-fg">
            Storage
          </h2>
          <ul className="mt-2 divide-y divide-line rounded-xl bg-surface-2 text-sm ring-1 ring-line">
            {stats.disk.volumes.map((v) => (
              <li key={v.name} data-testid={`stats-volume-${v.volume}`} className="flex justify-between gap-4 px-4 py-2.5">
                <span className="font-mono text-fg">{v.volume}</span>
                <span className="text-fg">{formatBytes(v.bytes)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <p className="text-[12px] text-fg-muted">
        Updated {new Date(stats.at).toLocaleTimeString()}, every 2 seconds. Network and disk totals count from the last start of each service.
        {error && <span className="text-danger"> {error}</span>}
      </p>
    </div>
  );
}

function Tile({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId: string }) {
  return (
    <div className="rounded-xl bg-surface-2 p-3 ring-1 ring-line">
      <dt className="text-[12px] font-medium text-fg-subtle">{label}</dt>
      <dd data-testid={testId} className="mt-0.5 text-lg font-semibold text-fg tabular-nums">
        {value}
      </dd>
      {hint && <dd className="text-[12px] text-fg-muted">{hint}</dd>}
    </div>
  );
}
