import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Two offline test apps for Contacts, built from the hello app (busybox httpd, builds on this machine):
 * `blog` publishes a feed at /feed.xml (a real file, public), `reader` subscribes to feeds at
 * /add?url={url}. Written into `dir` as catalog folders.
 */
export function writeSocialApps(dir: string, which: ("blog" | "reader")[] = ["blog", "reader"]) {
  for (const id of which) {
    const target = path.join(dir, id);
    fs.cpSync(path.join(ROOT, "apps-catalog/hello"), target, { recursive: true });
    const spec = parse(fs.readFileSync(path.join(target, "app.yaml"), "utf8")) as Record<string, unknown>;
    spec.id = id;
    spec.name = id === "blog" ? "Blog" : "Reader";
    spec.tagline = id === "blog" ? "A test blog with a feed" : "A test feed reader";
    if (id === "blog") {
      fs.writeFileSync(
        path.join(target, "build/www/feed.xml"),
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Test blog</title><link>https://example.invalid/</link><description>t</description></channel></rss>\n',
      );
      spec.ingress = [{ service: "web", port: 8080, public: ["/feed.xml"] }];
      spec.publishes = [{ kind: "feed", title: "Blog posts", path: "/feed.xml" }];
    } else {
      spec.subscribes = [{ kind: "feed", path: "/add?url={url}" }];
    }
    fs.writeFileSync(path.join(target, "app.yaml"), stringify(spec));
  }
}
