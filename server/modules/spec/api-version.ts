// apiVersion is "pcc.app/v<major>[.<minor>]". A minor only ever adds optional fields, so a file written for a
// newer minor still runs here with those fields ignored (a warning). A new major may change meanings: refused.

export const API_GROUP = "pcc.app";
export const API_MAJOR = 1;
/** The newest minor this PCC understands: plain "pcc.app/v1" means v1.0. */
export const API_MINOR = 0;
export const API_VERSION = `${API_GROUP}/v${API_MAJOR}`;
const CURRENT = API_MINOR ? `${API_VERSION}.${API_MINOR}` : API_VERSION;

export type VersionCheck =
  /** Readable: `newer` when the file declares a minor above API_MINOR. */
  | { ok: true; major: number; minor: number; newer: boolean }
  /** `fatal` when nothing else in the file can be trusted to mean what this PCC thinks (a newer major). */
  | { ok: false; message: string; fatal: boolean };

const SHAPE = /^pcc\.app\/v(\d{1,6})(?:\.(\d{1,6}))?$/;

export function checkApiVersion(value: unknown): VersionCheck {
  if (value === undefined || value === null) {
    return { ok: false, fatal: false, message: `is missing: start the file with "apiVersion: ${CURRENT}"` };
  }
  const m = typeof value === "string" ? SHAPE.exec(value) : null;
  if (!m) {
    const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 60)) : `a ${typeof value}`;
    return { ok: false, fatal: false, message: `is ${shown}; expected "${CURRENT}"` };
  }
  const major = Number(m[1]);
  const minor = m[2] === undefined ? 0 : Number(m[2]);
  if (major > API_MAJOR) {
    return {
      ok: false,
      fatal: true,
      message: `This app needs a newer PCC (it is written for ${value}; this PCC understands ${API_VERSION}).`,
    };
  }
  if (major < API_MAJOR) return { ok: false, fatal: false, message: `is ${JSON.stringify(value)}; expected "${CURRENT}"` };
  return { ok: true, major, minor, newer: minor > API_MINOR };
}
