import { describe, expect, it } from "vitest";
import { parseAppSpec } from "./spec.schema";
import { minimalSpec } from "./spec-fixtures";

const parse = (fields: Record<string, unknown>, ingress: unknown[] = [{ service: "web", port: 8080, public: ["/feed.xml", "/pub/"] }]) =>
  parseAppSpec({ ...minimalSpec(), ingress, ...fields });
const messages = (r: ReturnType<typeof parse>) => r.errors.map((e) => `${e.path}: ${e.message}`);

describe("publishes and subscribes", () => {
  it("default to nothing", () => {
    expect(parse({}).spec).toMatchObject({ publishes: [], subscribes: [] });
  });

  it("take a public feed, an account handle and a subscribe page with its placeholder", () => {
    const r = parse({
      publishes: [
        { kind: "feed", title: "Posts", path: "/feed.xml" },
        { kind: "feed", title: "Notes", path: "/pub/notes.xml" },
        { kind: "activitypub", title: "Me", handle: "@me@{host}" },
      ],
      subscribes: [
        { kind: "feed", path: "/add?url={url}" },
        { kind: "activitypub", path: "/follow/{handle}" },
      ],
    });
    expect(r.errors).toEqual([]);
    expect(r.spec?.publishes).toHaveLength(3);
  });

  it("refuse a feed that is not public: friends could not read it", () => {
    expect(messages(parse({ publishes: [{ kind: "feed", title: "Secret", path: "/admin/feed.xml" }] }))).toEqual([
      'publishes[0].path: is not under a public path of the ingress "main", so friends could not read it without signing in to this PCC',
    ]);
    // The gate's rule: "/feed.xml" does not cover "/feed.xml.bak".
    expect(parse({ publishes: [{ kind: "feed", title: "X", path: "/feed.xml.bak" }] }).errors).toHaveLength(1);
  });

  it("refuse a subscribe page without its placeholder, twice it, or the other kind's", () => {
    for (const path of ["/add", "/add?url={url}&again={url}", "/add?url={handle}"]) {
      expect(messages(parse({ subscribes: [{ kind: "feed", path }] }))[0]).toMatch(/placeholder exactly once/);
    }
  });

  it("refuse unknown ingresses, handles on other hosts, odd paths and unknown kinds", () => {
    expect(messages(parse({ subscribes: [{ kind: "feed", ingress: "nope", path: "/a?u={url}" }] }))[0]).toMatch(/names the ingress "nope"/);
    expect(parse({ publishes: [{ kind: "activitypub", title: "Me", handle: "@me@evil.example" }] }).errors).toHaveLength(1);
    expect(parse({ subscribes: [{ kind: "feed", path: "//evil.example/?u={url}" }] }).errors).toHaveLength(1);
    expect(parse({ subscribes: [{ kind: "feed", path: "/../x?u={url}" }] }).errors).toHaveLength(1);
    expect(parse({ publishes: [{ kind: "video", title: "V", path: "/v" }] }).errors).toHaveLength(1);
  });
});
