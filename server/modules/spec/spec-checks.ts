import type { z } from "zod";
import { scanReferences, type Reference } from "./references";
import { formatPath, type Issue } from "./issues";
import type { AppSpec, SpecDraft } from "./spec.schema";
import { checkSocial } from "./spec-social";

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;

/** Default subdomains: the app id for the first ingress, "<name>-<id>" for the others. */
export const resolveSubdomain = (spec: Pick<SpecDraft, "id">, i: number, ingress: { name: string; subdomain?: string }) =>
  ingress.subdomain ?? (i === 0 ? spec.id : `${ingress.name}-${spec.id}`);

/** The checks that need more than one field. Run by zod (superRefine) once the shape is right. */
export function crossChecks(spec: SpecDraft, ctx: z.RefinementCtx) {
  const report: Report = (path, message) => ctx.addIssue({ code: "custom", path, message });
  const services = new Set(Object.keys(spec.services));
  const has = (m: object, k: string) => Object.hasOwn(m, k);

  checkIngress(spec, services, report);
  checkPorts(spec, services, report);
  checkSocial(spec, report);
  const settingKeys = new Set<string>();
  spec.settings.forEach((s, i) => {
    if (settingKeys.has(s.key)) report(["settings", i, "key"], `repeats the setting "${s.key}"`);
    settingKeys.add(s.key);
  });
  const ingressNames = new Set(spec.ingress.map((g) => g.name));

  for (const [id, svc] of Object.entries(spec.services)) {
    const at = (...rest: Path): Path => ["services", id, ...rest];
    if (svc.image !== undefined && svc.build !== undefined) {
      report(at("build"), "cannot be given together with image: a service runs either a registry image or one built from its folder");
    }
    if (svc.image === undefined && svc.build === undefined) {
      report(at("image"), "is required (or give build to build the image from the app folder)");
    }
    // PCC always mounts a tmpfs at /tmp; listing it under tmpfs is allowed, mounting something else there is not.
    const mounts = new Map<string, string>([["/tmp", "the tmpfs PCC always mounts there"]]);
    const mountAt = (p: string, path: Path) => {
      const first = mounts.get(p);
      if (first) report(path, `mounts ${p} again (already used by ${first})`);
      else mounts.set(p, formatPath(path));
    };
    svc.volumes.forEach((v, i) => {
      if (!has(spec.volumes, v.volume)) report(at("volumes", i, "volume"), `names the volume "${v.volume}", which is not declared under volumes`);
      mountAt(v.path, at("volumes", i, "path"));
    });
    svc.tmpfs.forEach((p, i) => p !== "/tmp" && mountAt(p, at("tmpfs", i)));
    svc.secretFiles.forEach((f, i) => {
      if (!has(spec.secrets, f.secret)) report(at("secretFiles", i, "secret"), `names the secret "${f.secret}", which is not declared under secrets`);
      mountAt(f.path, at("secretFiles", i, "path"));
    });
    for (const [dep, { condition }] of Object.entries(svc.dependsOn)) {
      if (!services.has(dep)) report(at("dependsOn", dep), `names the service "${dep}", which is not declared under services`);
      else if (condition === "healthy" && !spec.services[dep].healthcheck) {
        report(at("dependsOn", dep, "condition"), `is "healthy" but the service "${dep}" has no healthcheck (add one, or use "started")`);
      }
    }
    for (const [name, value] of Object.entries(svc.env)) {
      const { refs, errors } = scanReferences(value);
      for (const e of errors) report(at("env", name), e);
      for (const r of refs) {
        const missing = missingTarget(r, { services, ingressNames, settingKeys, secrets: spec.secrets, oidc: spec.ingress.some((g) => g.auth.method === "oidc") });
        if (missing) report(at("env", name), missing);
      }
    }
  }
  checkCycles(spec, report);
}

function missingTarget(
  r: Reference,
  known: { services: Set<string>; ingressNames: Set<string>; settingKeys: Set<string>; secrets: object; oidc: boolean },
): string | null {
  switch (r.kind) {
    case "secret":
      return Object.hasOwn(known.secrets, r.name) ? null : `refers to \${secrets.${r.name}}, but no secret "${r.name}" is declared under secrets`;
    case "setting":
      return known.settingKeys.has(r.name) ? null : `refers to \${settings.${r.name}}, but no setting has the key "${r.name}"`;
    case "ingress":
      return known.ingressNames.has(r.name) ? null : `refers to \${ingress.${r.name}.url}, but no ingress is named "${r.name}"`;
    case "service":
      return known.services.has(r.name) ? null : `refers to \${services.${r.name}.host}, but no service "${r.name}" is declared`;
    case "app":
      return null;
    case "oidc":
      return known.oidc ? null : `refers to \${oidc.${r.name}}, but no ingress signs the owner in by OIDC (auth: {method: oidc, redirectPath: ...})`;
  }
}

function checkIngress(spec: SpecDraft, services: Set<string>, report: Report) {
  const names = new Map<string, number>();
  const subdomains = new Map<string, number>();
  spec.ingress.forEach((g, i) => {
    if (!services.has(g.service)) report(["ingress", i, "service"], `names the service "${g.service}", which is not declared under services`);
    const n = names.get(g.name);
    if (n !== undefined) report(["ingress", i, "name"], `"${g.name}" is already the name of ingress[${n}]; each ingress needs its own name`);
    else names.set(g.name, i);
    const sub = resolveSubdomain(spec, i, g);
    const s = subdomains.get(sub);
    if (s !== undefined) report(["ingress", i, "subdomain"], `"${sub}" is already the subdomain of ingress[${s}]`);
    else subdomains.set(sub, i);
  });
}

function checkPorts(spec: SpecDraft, services: Set<string>, report: Report) {
  const names = new Set<string>();
  const inside = new Map<string, number>();
  const onHost = new Map<string, number>();
  spec.ports.forEach((p, i) => {
    if (!services.has(p.service)) report(["ports", i, "service"], `names the service "${p.service}", which is not declared under services`);
    if (names.has(p.name)) report(["ports", i, "name"], `repeats the port name "${p.name}"`);
    names.add(p.name);
    const c = `${p.protocol}/${p.containerPort}/${p.service}`;
    if (inside.has(c)) report(["ports", i, "containerPort"], `${p.protocol} ${p.containerPort} of "${p.service}" is already published by ports[${inside.get(c)}]`);
    else inside.set(c, i);
    const hostPort = p.hostPort ?? p.containerPort;
    const h = `${p.protocol}/${hostPort}`;
    if (onHost.has(h)) report(["ports", i, "hostPort"], `host ${p.protocol} port ${hostPort} is already taken by ports[${onHost.get(h)}]`);
    else onHost.set(h, i);
  });
}

/** Reports each dependency cycle once, at the edge that closes it. */
function checkCycles(spec: SpecDraft, report: Report) {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string) => {
    state.set(id, "visiting");
    stack.push(id);
    for (const dep of Object.keys(spec.services[id].dependsOn)) {
      if (!Object.hasOwn(spec.services, dep)) continue;
      if (state.get(dep) === "visiting") {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep].join(" → ");
        report(["services", id, "dependsOn", dep], `closes a dependency cycle (${cycle}): services cannot wait for each other`);
      } else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(id, "done");
  };
  for (const id of Object.keys(spec.services)) if (!state.has(id)) visit(id);
}

/** Legal but probably unintended: reported as warnings, never block an install. */
export function specWarnings(spec: AppSpec): Issue[] {
  const out: Issue[] = [];
  const warn = (path: (string | number)[], message: string) => out.push({ path: formatPath(path), message });
  const services = Object.values(spec.services);
  const envText = services.flatMap((s) => Object.values(s.env)).join("\n");
  for (const v of Object.keys(spec.volumes)) {
    if (!services.some((s) => s.volumes.some((m) => m.volume === v))) warn(["volumes", v], "is declared but no service mounts it");
  }
  for (const [k, s] of Object.entries(spec.secrets)) {
    const used = envText.includes(`\${secrets.${k}}`) || services.some((svc) => svc.secretFiles.some((f) => f.secret === k));
    if (!used && !s.show) warn(["secrets", k], "is neither used in an env value nor mounted as a file, nor shown to the owner");
  }
  spec.settings.forEach((s, i) => {
    if (!envText.includes(`\${settings.${s.key}}`)) warn(["settings", i], `"${s.key}" is not used in any env value, so the owner's answer changes nothing`);
  });
  spec.ingress.forEach((g, i) => {
    g.public.forEach((p, j) => {
      if (p === "/") warn(["ingress", i, "public", j], "makes the whole app public: anyone can open it without signing in to PCC, so the app must do its own sign-in");
    });
  });
  if (!spec.ingress.length && !spec.ports.length) warn(["ingress"], "the app has no ingress and no ports: nothing can reach it");
  if (spec.test) warn(["test"], "this is a test app: owners only see it with the developer setting on");
  return out;
}
