import { describe, expect, it } from "vitest";
import { parseImageRef } from "./registry-client";

describe("parseImageRef", () => {
  it.each([
    ["docker.io/library/redis:7@sha256:abc", { registry: "docker.io", repository: "library/redis", tag: "7", digest: "sha256:abc" }],
    ["127.0.0.1:5000/pcc-test/web:1@sha256:def", { registry: "127.0.0.1:5000", repository: "pcc-test/web", tag: "1", digest: "sha256:def" }],
    ["ghcr.io/immich-app/immich-server:v1.2", { registry: "ghcr.io", repository: "immich-app/immich-server", tag: "v1.2", digest: null }],
    ["127.0.0.1:5000/pcc-test/web@sha256:def", { registry: "127.0.0.1:5000", repository: "pcc-test/web", tag: null, digest: "sha256:def" }],
  ])("%s", (ref, parts) => expect(parseImageRef(ref)).toEqual(parts));
});
