import { describe, expect, it } from "vitest";
import { checkPrerequisites, containersRange, formatProblems, MIN_SUBID_RANGE, type PrerequisiteDeps } from "./prerequisites";

const SUBIDS = "containers:2147483647:2147483648\n";

/** A Debian 12 machine as ./pcc leaves it: every binary where Debian's packages put it. */
const COMPLETE = [
  "/usr/bin/podman",
  "/usr/sbin/runc",
  "/usr/bin/conmon",
  "/usr/bin/catatonit",
  "/usr/libexec/podman/catatonit",
  "/usr/lib/podman/netavark",
  "/usr/lib/podman/aardvark-dns",
  "/usr/bin/caddy",
  "/usr/sbin/iptables",
  "/usr/sbin/nft",
  "/usr/bin/setpriv",
];

function machine(opts: { executables?: string[]; files?: Record<string, string>; path?: string[]; node?: string } = {}): PrerequisiteDeps {
  const executables = new Set(opts.executables ?? COMPLETE);
  const files = opts.files ?? { "/etc/subuid": SUBIDS, "/etc/subgid": SUBIDS };
  const pathDirs = opts.path ?? ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
  return {
    isExecutable: async (f) => executables.has(f),
    readFile: async (f) => files[f] ?? null,
    which: async (cmd) => pathDirs.map((d) => `${d}/${cmd}`).find((f) => executables.has(f)) ?? null,
    nodeVersion: opts.node ?? "20.20.2",
  };
}

describe("checkPrerequisites", () => {
  it("finds nothing to fix on a machine ./pcc set up", async () => {
    expect(await checkPrerequisites(machine())).toEqual([]);
    expect(formatProblems([])).toBe("");
  });

  it("names every missing piece with its fix in one report", async () => {
    const problems = await checkPrerequisites(
      machine({
        executables: COMPLETE.filter((f) => !/catatonit|aardvark-dns|caddy|setpriv|runc/.test(f)),
        files: { "/etc/subuid": "root:100000:65536\n" },
        node: "18.19.0",
      }),
    );
    expect(problems.map((p) => p.name).sort()).toEqual(["/etc/subgid", "/etc/subuid", "aardvark-dns", "caddy", "catatonit", "node", "runc", "setpriv"].sort());

    const report = formatProblems(problems);
    expect(report.split("\n")[0]).toBe("8 prerequisites are missing or wrong:");
    expect(report).toContain("catatonit is missing (Podman's container init): run ./pcc start, which installs it, or apt-get install catatonit");
    expect(report).toContain("apt-get install aardvark-dns");
    expect(report).toContain("apt-get install caddy");
    expect(report).toContain("apt-get install runc");
    expect(report).toContain("setpriv is missing (starts PCC's helpers): run ./pcc start, which installs it, or apt-get install util-linux");
    expect(report).toMatch(/\/etc\/subuid has no "containers" entry .*containers:2147483647:2147483648/);
    expect(report).toMatch(/\/etc\/subgid is missing/);
    expect(report).toMatch(/Node\.js 18\.19\.0 is too old \(PCC needs 20 or newer\): .*\.\/pcc start.*\.pcc-node/);
    // One line per problem, after the heading.
    expect(report.split("\n")).toHaveLength(problems.length + 1);
  });

  it("accepts Podman's helpers where Podman finds them, off PATH", async () => {
    // catatonit only in /usr/libexec/podman, conmon and runc only in Podman's own search folders.
    const problems = await checkPrerequisites(
      machine({
        executables: ["/usr/bin/podman", "/usr/libexec/podman/catatonit", "/usr/libexec/podman/conmon", "/usr/lib/cri-o-runc/sbin/runc", "/usr/lib/podman/netavark", "/usr/lib/podman/aardvark-dns", "/usr/bin/caddy", "/usr/sbin/iptables", "/usr/sbin/nft", "/usr/bin/setpriv"],
      }),
    );
    expect(problems).toEqual([]);
  });

  it("does not take netavark from PATH: Podman only looks in its helper folders", async () => {
    const problems = await checkPrerequisites(machine({ executables: [...COMPLETE.filter((f) => !f.includes("netavark")), "/usr/bin/netavark"] }));
    expect(problems.map((p) => p.name)).toEqual(["netavark"]);
    expect(problems[0].message).toMatch(/netavark is missing \(Podman's network setup\) \(looked in .*\/usr\/lib\/podman\): .*apt-get install netavark/);
  });

  it("tells an installed command that PATH does not reach from a missing one", async () => {
    const problems = await checkPrerequisites(machine({ path: ["/usr/bin", "/bin"] }));
    expect(problems.map((p) => p.name)).toEqual(["iptables", "nft"]);
    expect(problems[0].message).toContain("iptables (netavark's rules for the apps' networks) is at /usr/sbin/iptables, which is not on PATH: add /usr/sbin to PATH");
    expect(problems[1].message).toContain("nft (PCC's firewall for the apps' networks) is at /usr/sbin/nft, which is not on PATH");
  });

  it("wants a containers range big enough for userns=auto", async () => {
    const small = "containers:100000:65536\n";
    const problems = await checkPrerequisites(machine({ files: { "/etc/subuid": small, "/etc/subgid": SUBIDS } }));
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/\/etc\/subuid gives "containers" 65536 ids, room for 1 app containers .* at least \d+/);
    // Several entries add up.
    const lines = Array.from({ length: 256 }, (_, i) => `containers:${100000 + i * 65536}:65536`).join("\n");
    expect(containersRange(lines)).toBe(MIN_SUBID_RANGE);
    expect(await checkPrerequisites(machine({ files: { "/etc/subuid": lines, "/etc/subgid": `root:1:2\n${lines}\n` } }))).toEqual([]);
  });

  it("accepts any Node from 20 on", async () => {
    for (const node of ["20.0.0", "22.11.0", "24.1.0"]) expect(await checkPrerequisites(machine({ node }))).toEqual([]);
    expect((await checkPrerequisites(machine({ node: "19.9.0" }))).map((p) => p.name)).toEqual(["node"]);
  });
});
