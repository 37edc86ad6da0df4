import { describe, expect, it } from "vitest";
import { checkContainerfile } from "./containerfile-policy";

const D = `sha256:${"b".repeat(64)}`;

describe("checkContainerfile", () => {
  it("accepts a build that only assembles files on pinned bases, and lists the bases to fetch", () => {
    const r = checkContainerfile(
      [`FROM docker.io/library/busybox:1.37@${D} AS tools`, `FROM ghcr.io/x/app:1@${D}`, "# comment", "COPY --from=tools /bin/busybox /bin/busybox", "COPY conf /etc/app", "ENV A=1 \\", "  B=2", 'CMD ["app"]'].join("\n"),
    );
    expect(r.errors).toEqual([]);
    expect(r.bases).toEqual([`docker.io/library/busybox:1.37@${D}`, `ghcr.io/x/app:1@${D}`]);
  });

  it("accepts PCC's busybox base without fetching anything", () => {
    expect(checkContainerfile("FROM localhost/pcc/busybox:latest\nCOPY www /www\n")).toEqual({ errors: [], bases: [] });
  });

  it.each([
    ["RUN apt-get install -y curl", /RUN executes commands as root/],
    ["run echo hi", /RUN executes commands as root/],
    ["ADD https://example.com/x.tgz /x", /ADD can fetch/],
    ["ONBUILD RUN x", /ONBUILD/],
    ["FROM ubuntu", /pinned by digest/],
    ["FROM docker.io/library/ubuntu:24.04", /pinned by digest/],
    ["COPY --from=docker.io/library/busybox /bin/sh /bin/sh", /only from an earlier stage/],
  ])("refuses %s", (line, why) => {
    const text = line.startsWith("FROM") ? line : `FROM localhost/pcc/busybox:latest\n${line}`;
    const r = checkContainerfile(text);
    expect(r.errors.map((e) => e.message).join(" ")).toMatch(why);
  });

  it("names the line, across continuations", () => {
    const r = checkContainerfile("FROM localhost/pcc/busybox:latest\nENV A=1 \\\n  B=2\nRUN x");
    expect(r.errors[0]!.line).toBe(4);
  });
});
