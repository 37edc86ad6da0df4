import { DomainError, toMessage } from "../../errors";
import { formatDuration } from "./spec-fields";
import { migrateLegacyManifest } from "./legacy-manifest";
import { parseAppSpec, type AppSpec } from "./spec.schema";

// An installed app keeps the spec it was installed with (so it runs on if the catalog changes). It is stored
// as a canonical pcc.app/v1 document: defaults written out, so re-reading it goes through the one schema and
// an older PCC's defaults never shift under an installed app.

export const STORED_SPEC_VERSION = 1;

/** migrations[v] turns a document stored in format v into format v + 1. */
export const migrations: ReadonlyArray<(doc: unknown) => unknown> = [migrateLegacyManifest];

/** The document form of a spec: AppSpec with durations written back as text. */
function toDocument(spec: AppSpec): unknown {
  const services = Object.fromEntries(
    Object.entries(spec.services).map(([id, s]) => {
      const h = s.healthcheck;
      const healthcheck = h && {
        ...h,
        interval: formatDuration(h.interval),
        timeout: formatDuration(h.timeout),
        startPeriod: formatDuration(h.startPeriod),
      };
      return [id, { ...s, healthcheck }];
    }),
  );
  return { ...spec, services };
}

export function toStored(spec: AppSpec): { version: number; json: string } {
  return { version: STORED_SPEC_VERSION, json: JSON.stringify(toDocument(spec)) };
}

const unreadable = (why: string, details?: Record<string, unknown>) =>
  new DomainError("INVALID_INPUT", `The installed app's stored spec cannot be read: ${why}.`, details);

/** Reads a stored spec of any known format. Throws DomainError INVALID_INPUT if it cannot: only that app is broken. */
export function fromStored(version: number, json: string): AppSpec {
  if (!Number.isInteger(version) || version < 0) throw unreadable(`its format number ${version} is not valid`);
  if (version > STORED_SPEC_VERSION) {
    throw unreadable(`it was stored by a newer PCC (format ${version}; this PCC reads formats up to ${STORED_SPEC_VERSION})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw unreadable("it is not valid JSON");
  }
  for (let v = version; v < STORED_SPEC_VERSION; v++) {
    try {
      doc = migrations[v](doc);
    } catch (e) {
      throw unreadable(`upgrading it from format ${v} failed (${toMessage(e).split("\n")[0].slice(0, 300)})`);
    }
  }
  const { spec, errors } = parseAppSpec(doc, { mode: "installed" });
  if (!spec) {
    const shown = errors.slice(0, 3).map((e) => `${e.path || "(file)"}: ${e.message}`);
    throw unreadable(shown.join("; ") + (errors.length > 3 ? ` (and ${errors.length - 3} more)` : ""), { issues: errors });
  }
  return spec;
}
