import type { ContainerSpec } from "./container-engine";

/** The hardened container every app service gets; see README "How an app is sandboxed". */
export function toCreateBody(spec: ContainerSpec) {
  return {
    name: spec.name,
    image: spec.image,
    labels: spec.labels,
    env: spec.env,
    ...(spec.command ? { command: spec.command } : {}),
    ...(spec.entrypoint ? { entrypoint: spec.entrypoint } : {}),
    ...(spec.workingDir ? { work_dir: spec.workingDir } : {}),
    ...(spec.user ? { user: spec.user } : {}),
    // A private user-namespace range: root inside is an unprivileged uid outside. One range per app
    // (shared by its services, so they can share volumes), or an automatic one per container.
    ...(spec.uidBase !== undefined
      ? {
          userns: { nsmode: "private" },
          idmappings: {
            UIDMap: [{ container_id: 0, host_id: spec.uidBase, size: 65536 }],
            GIDMap: [{ container_id: 0, host_id: spec.uidBase, size: 65536 }],
          },
        }
      : { userns: { nsmode: "auto" }, idmappings: { AutoUserNs: true, AutoUserNsOpts: { Size: 65536 } } }),
    cap_drop: ["ALL"],
    no_new_privileges: true,
    // PCC's own profile: Podman's default without new namespaces, ptrace, keyrings or mounts.
    ...(spec.seccompProfile ? { seccomp_profile_path: spec.seccompProfile } : {}),
    read_only_filesystem: true,
    init: true,
    // Inside the app's own network namespace only: low ports (a DNS server's 53) bind without any
    // capability, and ping works through ICMP datagram sockets (an uptime monitor's), never raw sockets.
    sysctl: { "net.ipv4.ip_unprivileged_port_start": "0" },
    mounts: spec.tmpfs.map((t) => ({
      destination: t.path,
      type: "tmpfs",
      source: "tmpfs",
      options: ["rw", "nosuid", "nodev", `size=${t.sizeMb}m`, "mode=1777"],
    })),
    volumes: spec.volumes.map((v) => ({ Name: v.name, Dest: v.path, Options: v.readOnly ? ["ro"] : ["U"] })),
    // Readable inside the container (Podman 4.3 ignores a secret's uid for mounted files, so 0444): only the
    // app's own processes live there; on the host the file sits in the container's root-only run folder.
    ...(spec.secrets?.length ? { secrets: spec.secrets.map((s) => ({ source: s.name, target: s.path, mode: 0o444 })) } : {}),
    resource_limits: {
      memory: { limit: spec.memoryMb * 1024 * 1024 },
      pids: { limit: spec.pids },
      ...(spec.cpus ? { cpu: { quota: Math.round(spec.cpus * 100_000), period: 100_000 } } : {}),
    },
    // PCC's health monitor restarts crashed services (with backoff) and knows why they stopped.
    restart_policy: "no",
    stop_timeout: 10,
    netns: { nsmode: "bridge" },
    // A fixed MAC with the fixed address: a restarted service gets a new veth, and with a new MAC the
    // other services' ARP caches would send its traffic nowhere for up to a minute.
    Networks: { [spec.network]: { aliases: spec.aliases, ...(spec.ip ? { static_ips: [spec.ip], static_mac: macFor(spec.ip) } : {}) } },
    ...(spec.hosts && Object.keys(spec.hosts).length ? { hostadd: Object.entries(spec.hosts).map(([name, ip]) => `${name}:${ip}`) } : {}),
    // Only the ports the owner granted; HTTP never: the gateway reaches the container on its bridge.
    portmappings: (spec.ports ?? []).map((p) => ({ host_ip: p.hostIp, host_port: p.hostPort, container_port: p.containerPort, protocol: p.protocol })),
  };
}

/** A locally administered unicast MAC derived from an IPv4 address (02:50:a:b:c:d), unique on its subnet. */
export function macFor(ip: string): string {
  return ["02", "50", ...ip.split(".").map((n) => Number(n).toString(16).padStart(2, "0"))].join(":");
}
