/**
 * What an app's Containerfile may do. Podman 4.3 runs a build's RUN steps as real root on the host (no
 * user namespace, most capabilities, no no-new-privileges, whatever containers.conf says), so an app's
 * build may only assemble files: FROM a pinned image (or PCC's own busybox base), COPY from its own
 * folder or an earlier stage, and set metadata. Anything that executes code or fetches from the network
 * while building is refused.
 */
export const BUSYBOX_BASE_REF = "localhost/pcc/busybox:latest";

const ALLOWED = new Set(["FROM", "COPY", "ENV", "LABEL", "USER", "WORKDIR", "EXPOSE", "CMD", "ENTRYPOINT", "ARG", "STOPSIGNAL", "VOLUME", "HEALTHCHECK", "SHELL"]);
const WHY: Record<string, string> = {
  RUN: "RUN executes commands as root on the server while building; an app's build may only copy files (use a pinned image that already has what you need)",
  ADD: "ADD can fetch from the network or unpack archives; use COPY of files in the app's folder",
  ONBUILD: "ONBUILD hides instructions for later builds",
};

export type ContainerfileReport = { errors: { line: number; message: string }[]; bases: string[] };

/** Joins continuation lines and drops comments, keeping each instruction's first line number. */
function instructions(text: string): { line: number; word: string; rest: string }[] {
  const out: { line: number; word: string; rest: string }[] = [];
  let current = "";
  let start = 0;
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (!current && (/^\s*#/.test(line) || !line.trim())) return;
    if (!current) start = i + 1;
    current += line.endsWith("\\") ? `${line.slice(0, -1)} ` : line;
    if (line.endsWith("\\")) return;
    const m = /^\s*(\S+)\s*(.*)$/.exec(current);
    if (m) out.push({ line: start, word: m[1]!.toUpperCase(), rest: m[2]!.trim() });
    current = "";
  });
  return out;
}

/** Checks a Containerfile against PCC's build policy; returns the external base images it needs. */
export function checkContainerfile(text: string): ContainerfileReport {
  const errors: ContainerfileReport["errors"] = [];
  const bases: string[] = [];
  const stages = new Set<string>();
  for (const { line, word, rest } of instructions(text)) {
    if (!ALLOWED.has(word)) {
      errors.push({ line, message: WHY[word] ?? `${word} is not an instruction PCC allows in an app's build` });
      continue;
    }
    if (word === "FROM") {
      const parts = rest.split(/\s+/).filter((p) => !p.startsWith("--"));
      const image = parts[0] ?? "";
      const alias = parts[1]?.toUpperCase() === "AS" ? parts[2]?.toLowerCase() : undefined;
      if (stages.has(image.toLowerCase())) {
        // A later stage built on an earlier one.
      } else if (image === BUSYBOX_BASE_REF || image === "scratch") {
        // PCC's own base, made on this machine; or nothing at all.
      } else if (/^[a-z0-9][a-z0-9._\-/:]*@sha256:[0-9a-f]{64}$/.test(image) && image.includes("/")) {
        bases.push(image);
      } else {
        errors.push({ line, message: `FROM ${image || "(nothing)"}: a base image must be named in full and pinned by digest (registry/name:tag@sha256:…), or be ${BUSYBOX_BASE_REF} or scratch` });
      }
      if (alias) stages.add(alias);
    }
    if (word === "COPY" && /--from=/i.test(rest)) {
      const from = /--from=(\S+)/i.exec(rest)![1]!.toLowerCase();
      if (!stages.has(from)) errors.push({ line, message: `COPY --from=${from}: copy only from an earlier stage of this file (name it with FROM … AS ${from})` });
    }
  }
  return { errors, bases };
}
