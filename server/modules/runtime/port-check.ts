import dgram from "node:dgram";
import fs from "node:fs";
import net from "node:net";

export type HostPort = { port: number; protocol: "tcp" | "udp" };

/** Whether hostIp:port can be bound right now; if not, who holds it (best effort, from /proc). */
export async function hostPortHolder(hostIp: string, p: HostPort): Promise<string | null> {
  const free = await canBind(hostIp, p);
  if (free) return null;
  return processOnPort(p) ?? "another program on this machine";
}

function canBind(hostIp: string, p: HostPort): Promise<boolean> {
  return new Promise((resolve) => {
    if (p.protocol === "udp") {
      const s = dgram.createSocket(hostIp.includes(":") ? "udp6" : "udp4");
      s.once("error", () => (s.close(), resolve(false)));
      s.bind(p.port, hostIp, () => s.close(() => resolve(true)));
      return;
    }
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen({ port: p.port, host: hostIp, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** The command and pid that have a socket on this port, from /proc/net and /proc/<pid>/fd. */
function processOnPort(p: HostPort): string | null {
  const inodes = new Set<string>();
  for (const file of [`/proc/net/${p.protocol}`, `/proc/net/${p.protocol}6`]) {
    let text = "";
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      const state = cols[3];
      // TCP: only listeners (0A); UDP sockets are all "bound" (07).
      if (!local || (p.protocol === "tcp" && state !== "0A")) continue;
      if (parseInt(local.split(":")[1] ?? "", 16) === p.port && cols[9]) inodes.add(cols[9]);
    }
  }
  if (!inodes.size) return null;
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return `${fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim()} (pid ${pid})`;
      }
    } catch {
      /* gone, or not ours to read */
    }
  }
  return null;
}
