import type { CatalogOrigin } from "@/server/modules/catalog/sources.service";
import { Glyph } from "@/web/components/ui/glyphs";

/** Where a store entry comes from, unless it is PCC's own catalog; a source trusted unsigned says so loudly. */
export function SourceBadge({ source, testId }: { source: CatalogOrigin | undefined; testId?: string }) {
  if (!source || source.kind === "built-in") return null;
  return (
    <span
      data-testid={testId}
      className={`inline-flex max-w-full items-center gap-1 truncate rounded-full px-2 py-0.5 text-[11px] font-medium ${
        source.trustUnsigned ? "bg-rose-600 text-white" : "bg-surface-3 text-fg-muted"
      }`}
    >
      {source.trustUnsigned && <Glyph name="warning" className="size-3.5 shrink-0" strokeWidth={2.2} />}
      <span className="truncate">{source.trustUnsigned ? `Unsigned: ${source.name}` : source.name}</span>
    </span>
  );
}

export function UnsignedSourceWarning({ name }: { name: string }) {
  return (
    <div data-testid="unsigned-source-warning" className="flex gap-3 rounded-xl bg-rose-600 p-4 text-white shadow-sm">
      <Glyph name="warning" className="size-6 shrink-0" strokeWidth={2.2} />
      <div className="text-sm">
        <p className="font-semibold">Unsigned source: nobody vouches for this app</p>
        <p className="mt-1">
          It comes from “{name}”, which you chose to trust without a publisher&apos;s signature. Whoever controls that source, or the
          network between it and your PCC, can change what this app is. Install it only if you trust both.
        </p>
      </div>
    </div>
  );
}
