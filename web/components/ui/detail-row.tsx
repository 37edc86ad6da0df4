/** One label/value line of a details list (settings and system windows). */
export function DetailRow({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex items-center justify-between gap-4 px-4 py-2.5">
      <dt className="shrink-0 text-fg-subtle">{label}</dt>
      <dd className="min-w-0 truncate text-right text-fg">{children}</dd>
    </div>
  );
}

export function DetailList({ children, className = "" }: { children: React.ReactNode; className?: string }) {
  return <dl className={`divide-y divide-line rounded-xl bg-surface-2 text-sm ring-1 ring-line ${className}`}>{children}</dl>;
}
