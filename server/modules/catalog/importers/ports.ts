import { isMapping, scalar } from "./source-text";
import { splitColons } from "./values";

// Published ports of a compose service, and a guess at which of them speak HTTP. PCC serves HTTP apps through
// its gateway (HTTPS, sign-in) and publishes raw TCP/UDP ports only for what is not HTTP, so the importer
// must tell them apart; when it cannot, it errs on the side of the gateway, which fails closed.

export type PortMapping = {
  container: number;
  /** Host port, when the source gave one (a variable's value if it could be resolved). */
  host?: number;
  /** The variable the host port was written with (Runtipi's ${APP_PORT}). */
  hostVar?: string;
  protocol: "tcp" | "udp" | "sctp";
  hostIp?: string;
  /** compose long syntax `app_protocol: http`. */
  appProtocol?: string;
  raw: string;
};

const MAX_RANGE = 20;

function portNumber(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,5}$/.test(s.trim())) return undefined;
  const n = Number(s);
  return n >= 1 && n <= 65535 ? n : undefined;
}

function range(s: string): number[] | null {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(s.trim());
  if (!m) return null;
  const a = portNumber(m[1]);
  const b = m[2] === undefined ? a : portNumber(m[2]);
  if (a === undefined || b === undefined || b < a || b - a >= MAX_RANGE) return null;
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

/**
 * Reads `ports:` in both compose syntaxes. `resolve` turns a variable in a port into its value (or undefined).
 * Entries it cannot read are returned as problems, with the reason.
 */
export function parsePorts(list: unknown, resolve: (s: string) => string | undefined): { ports: PortMapping[]; problems: string[] } {
  const ports: PortMapping[] = [];
  const problems: string[] = [];
  if (!Array.isArray(list)) return { ports, problems: list === undefined || list === null ? [] : ["ports is not a list"] };
  for (const entry of list.slice(0, 200)) {
    if (isMapping(entry)) {
      const target = portNumber(scalar(entry.target));
      const publishedRaw = scalar(entry.published);
      const protocol = (scalar(entry.protocol) ?? "tcp").toLowerCase();
      if (target === undefined || !["tcp", "udp", "sctp"].includes(protocol)) {
        problems.push(`${JSON.stringify(entry).slice(0, 80)}: needs a numeric target and tcp or udp`);
        continue;
      }
      const raw = JSON.stringify(entry).slice(0, 120);
      const hostVar = publishedRaw ? /^\$\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(publishedRaw)?.[1] : undefined;
      const resolved = publishedRaw === undefined ? undefined : publishedRaw.includes("$") ? resolve(publishedRaw) : publishedRaw;
      const hostRange = resolved ? range(resolved) : null;
      ports.push({
        container: target,
        ...(hostRange?.length === 1 ? { host: hostRange[0] } : {}),
        ...(hostVar ? { hostVar } : {}),
        protocol: protocol as PortMapping["protocol"],
        ...(scalar(entry.host_ip) ? { hostIp: scalar(entry.host_ip) } : {}),
        ...(scalar(entry.app_protocol) ? { appProtocol: scalar(entry.app_protocol)!.toLowerCase() } : {}),
        raw,
      });
      continue;
    }
    const text = scalar(entry);
    if (text === undefined) {
      problems.push("an entry that is neither text nor a mapping");
      continue;
    }
    // [IP:][HOST:]CONTAINER[/PROTOCOL]; an IPv6 address is written in brackets.
    let s = text.trim();
    let protocol: PortMapping["protocol"] = "tcp";
    const slash = s.lastIndexOf("/");
    if (slash >= 0 && /^(tcp|udp|sctp)$/i.test(s.slice(slash + 1))) {
      protocol = s.slice(slash + 1).toLowerCase() as PortMapping["protocol"];
      s = s.slice(0, slash);
    }
    let hostIp: string | undefined;
    const v6 = /^\[([^\]]+)\]:(.*)$/.exec(s);
    if (v6) {
      hostIp = v6[1];
      s = v6[2]!;
    }
    const parts = splitColons(s);
    if (parts.length === 3) hostIp = parts.shift();
    const containerPart = parts.length === 2 ? parts[1]! : parts[0]!;
    const hostPartRaw = parts.length === 2 ? parts[0]! : undefined;
    const hostVar = hostPartRaw ? /^\$\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(hostPartRaw)?.[1] : undefined;
    const hostPart = hostPartRaw === undefined ? undefined : hostPartRaw.includes("$") ? resolve(hostPartRaw) : hostPartRaw;
    const containerResolved = containerPart.includes("$") ? resolve(containerPart) : containerPart;
    const containers = containerResolved === undefined ? null : range(containerResolved);
    const hosts = hostPart ? range(hostPart) : null;
    if (!containers || (hosts && hosts.length !== containers.length)) {
      problems.push(`"${text.slice(0, 80)}": ${containers ? "host and container ranges differ" : `cannot read the container port (ranges of more than ${MAX_RANGE} ports are not expanded)`}`);
      continue;
    }
    containers.forEach((c, i) =>
      ports.push({ container: c, ...(hosts ? { host: hosts[i] } : {}), ...(hostVar ? { hostVar } : {}), protocol, ...(hostIp ? { hostIp } : {}), raw: text.slice(0, 120) }),
    );
  }
  return { ports, problems };
}

/** Ports that are well known not to speak HTTP: mail, databases, DNS, game and chat servers, VPNs, file sync. */
const NOT_HTTP = new Set([
  20, 21, 22, 23, 25, 53, 67, 68, 69, 110, 119, 123, 137, 138, 139, 143, 161, 389, 445, 465, 514, 554, 587, 636, 853, 873, 989, 990, 993, 995, 1080, 1194,
  1433, 1521, 1701, 1723, 1883, 1900, 1935, 2049, 2222, 2375, 2376, 3306, 3389, 3478, 3479, 4222, 4369, 4500, 5060, 5061, 5222, 5269, 5349, 5353, 5432,
  5672, 5900, 6379, 6443, 6881, 7359, 8291, 8333, 8554, 8883, 9042, 9092, 9735, 10000, 11211, 19132, 21027, 22000, 25565, 25575, 26257, 27015, 27017,
  28015, 50000, 50001, 50002, 51413, 51820, 64738,
]);
const HTTPS = new Set([443, 8443, 9443]);
/** Images of a database, cache or search backend: other services use them, owners never open them. */
const DATABASE_IMAGE =
  /^(postgres|postgis|pgvecto-rs|mysql|mariadb|mongo|mongodb|redis|valkey|keydb|dragonfly|memcached|elasticsearch|opensearch|influxdb|clickhouse-server|nats|etcd|cassandra|timescaledb|typesense|meilisearch)(-|$)/i;

/** "ghcr.io/immich-app/postgres:14@sha256:…" → "postgres". */
export const imageBaseName = (ref: string) => ref.split("@")[0]!.split("/").pop()!.split(":")[0]!;
export const isDatabaseImage = (ref: string | undefined) => !!ref && DATABASE_IMAGE.test(imageBaseName(ref));

export type PortKind = "http" | "https" | "database" | "not-http";

/** What a container port probably speaks, given the service's image and any hint the source gave. */
export function classifyPort(p: PortMapping, image: string | undefined): PortKind {
  if (p.protocol !== "tcp") return "not-http";
  if (p.appProtocol) return p.appProtocol.startsWith("https") ? "https" : p.appProtocol.startsWith("http") ? "http" : "not-http";
  if (isDatabaseImage(image)) return "database";
  if (HTTPS.has(p.container)) return "https";
  if (NOT_HTTP.has(p.container) || (p.container >= 6881 && p.container <= 6999)) return "not-http";
  return "http";
}
