"use client";

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { AppLogLine } from "@/server/modules/runtime/observe/app-observe";
import type { InstalledApp } from "@/web/hooks/use-apps";
import { errorMessage } from "@/web/lib/errors";
import { LogBuffer, type LogLine } from "@/web/lib/log-buffer";
import { useTRPCClient } from "@/web/lib/trpc";
// Subscriptions travel over SSE: this registers the link that carries them.
import "@/web/lib/trpc-sse";
import { Button } from "@/web/components/ui/button";
import { INPUT_CLASS } from "@/web/components/ui/field";

/** The most lines the view keeps: older ones are dropped as new ones come. */
const MAX_LINES = 5000;
const TAILS = [100, 500, 1000, 5000];
/** Each line is one row of this height (no wrapping), so only the rows in view are rendered. */
const ROW_PX = 20;
const OVERSCAN = 20;

type Status = "connecting" | "live" | "ended" | "failed";

// Terminal colour and cursor sequences some apps print: noise in a web view.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/**
 * The app's output, followed live through apps.logs (SSE): every service interleaved by time or one,
 * the last N lines first. Secrets arrive masked by the server. The view holds at most MAX_LINES lines
 * and renders only those in sight, and new lines are applied once per frame, so a chatty app cannot
 * freeze the shell. Pausing freezes the view; lines that arrive meanwhile are kept and shown on resume.
 */
export function AppLogs({ app }: { app: InstalledApp }) {
  const client = useTRPCClient();
  const services = app.services.map((s) => s.name);
  const [service, setService] = useState("");
  const [tail, setTail] = useState(500);
  const [paused, setPaused] = useState(false);
  const [status, setStatus] = useState<Status>("connecting");
  const [error, setError] = useState<string | null>(null);
  const [, setVersion] = useState(0);
  const buffer = useRef(new LogBuffer(MAX_LINES));
  const held = useRef(new LogBuffer(MAX_LINES));
  const pausedRef = useRef(false);
  const frame = useRef(0);

  const render = useCallback(() => {
    frame.current ||= requestAnimationFrame(() => {
      frame.current = 0;
      setVersion((v) => v + 1);
    });
  }, []);

  useEffect(() => {
    buffer.current.clear();
    held.current.clear();
    setStatus("connecting");
    setError(null);
    render();
    const sub = client.apps.logs.subscribe(
      { id: app.id, service: service || undefined, tail, follow: true },
      {
        // Also after a reconnect: the server sends the last lines again, so the view starts over.
        onStarted: () => {
          buffer.current.clear();
          held.current.clear();
          setStatus("live");
          render();
        },
        onData: (lines) => {
          (pausedRef.current ? held.current : buffer.current).push(lines as AppLogLine[]);
          render();
        },
        onConnectionStateChange: (s) => {
          if (s.state === "connecting") setStatus("connecting");
        },
        onError: (e) => {
          setStatus("failed");
          setError(errorMessage(e));
        },
        onStopped: () => setStatus("ended"),
      },
    );
    return () => {
      sub.unsubscribe();
      cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, [client, app.id, service, tail, render]);

  function togglePause() {
    const next = !paused;
    pausedRef.current = next;
    setPaused(next);
    if (!next) {
      buffer.current.push(held.current.lines());
      held.current.clear();
      render();
    }
  }

  const lines = buffer.current.lines();
  const waiting = held.current.size;
  const multi = services.length > 1 && !service;

  return (
    <div className="flex min-h-0 flex-1 flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        {services.length > 1 && (
          <label className="flex items-center gap-2 text-sm text-fg">
            <span>Service</span>
            <select data-testid="logs-service" value={service} onChange={(e) => setService(e.target.value)} className={`${INPUT_CLASS} w-auto!`}>
              <option value="">All services</option>
              {services.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="flex items-center gap-2 text-sm text-fg">
          <span>History</span>
          <select data-testid="logs-tail" value={tail} onChange={(e) => setTail(Number(e.target.value))} className={`${INPUT_CLASS} w-auto!`}>
            {TAILS.map((n) => (
              <option key={n} value={n}>
                Last {n} lines
              </option>
            ))}
          </select>
        </label>
        <Button data-testid="logs-pause" aria-pressed={paused} onClick={togglePause}>
          {paused ? "Resume" : "Pause"}
        </Button>
        <p data-testid="logs-status" data-status={paused ? "paused" : status} className="ml-auto text-[13px] text-fg-muted" role="status">
          {paused
            ? `Paused${waiting ? `, ${waiting} new ${waiting === 1 ? "line" : "lines"}` : ""}`
            : status === "live"
              ? "Live"
              : status === "connecting"
                ? "Connecting…"
                : status === "ended"
                  ? "Ended"
                  : "Stopped following"}
        </p>
      </div>
      {error && (
        <p role="alert" data-testid="logs-error" className="text-sm text-danger">
          {error}
        </p>
      )}
      <LogView lines={lines} multi={multi} label={`Output of ${app.name}`} />
      <p data-testid="logs-count" data-count={lines.length} className="text-[12px] text-fg-muted">
        {lines.length === 0
          ? status === "live"
            ? "No output yet."
            : ""
          : `${lines.length} ${lines.length === 1 ? "line" : "lines"}${buffer.current.dropped ? `, older lines dropped (the view keeps the last ${MAX_LINES})` : ""}. Secrets are shown as ******.`}
      </p>
    </div>
  );
}

/** The lines, virtualised: a spacer above and below the rows in sight. Sticks to the end unless scrolled up. */
function LogView({ lines, multi, label }: { lines: LogLine[]; multi: boolean; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const [viewport, setViewport] = useState({ top: 0, height: 400 });

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewport({ top: el.scrollTop, height: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && stick.current) {
      el.scrollTop = el.scrollHeight;
      if (el.scrollTop !== viewport.top) setViewport({ top: el.scrollTop, height: el.clientHeight });
    }
  }, [lines.length, lines[lines.length - 1]?.n, viewport.top]);

  const first = Math.max(0, Math.floor(viewport.top / ROW_PX) - OVERSCAN);
  const last = Math.min(lines.length, Math.ceil((viewport.top + viewport.height) / ROW_PX) + OVERSCAN);
  const rows = lines.slice(first, last);

  return (
    <div
      ref={box}
      role="log"
      aria-live="off"
      aria-label={label}
      tabIndex={0}
      data-testid="logs-view"
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_PX;
        setViewport({ top: el.scrollTop, height: el.clientHeight });
      }}
      className="min-h-48 flex-1 overflow-auto rounded-xl bg-slate-950 font-mono text-[12px] text-slate-100 ring-1 ring-line focus-visible:outline-2 focus-visible:outline-indigo-500"
    >
      <div style={{ paddingTop: first * ROW_PX, paddingBottom: (lines.length - last) * ROW_PX }} className="w-max min-w-full px-3">
        {rows.map((l) => (
          <div key={l.n} data-testid="log-line" data-stream={l.stream} data-service={l.service} className="flex gap-3 whitespace-pre" style={{ height: ROW_PX, lineHeight: `${ROW_PX}px` }}>
            <span className="text-slate-400 select-none">{l.time ? clock(l.time) : "        "}</span>
            {multi && <span className="text-sky-300">{l.service}</span>}
            <span className={l.stream === "stderr" ? "text-rose-300" : ""}>{l.text.replace(ANSI, "")}</span>
          </div>
        ))}
      </div>
    </div>
  );
}

function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "        " : d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}
