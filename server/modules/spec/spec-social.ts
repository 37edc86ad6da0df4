import { z } from "zod";
import { isPublicPath } from "../gateway/gate";
import { name, text } from "./spec-fields";

// What an app offers other PCCs (`publishes`: a blog's feed, a microblog account) and what it can follow
// for its owner (`subscribes`: an RSS reader's "add feed" page). The Contacts window builds on both: the
// owner picks which published entries go on their public card, and a friend's entry is followed by
// opening the friend-PCC owner's own app at its subscribe URL. Nothing here opens anything to the world:
// a published path must already be one of the ingress's public paths.

export const SOCIAL_KINDS = ["feed", "activitypub"] as const;
export type SocialKind = (typeof SOCIAL_KINDS)[number];

/** The placeholder a subscribe URL template carries for each kind. */
export const SUBSCRIBE_PLACEHOLDER: Record<SocialKind, string> = { feed: "{url}", activitypub: "{handle}" };

const urlPath = z
  .string()
  .max(300)
  .refine((p) => p.startsWith("/") && !p.startsWith("//") && !/[\s\\#]/.test(p) && !p.split(/[/?]/).some((s) => s === ".." || s === "."), "must be a path starting with / (no spaces, #, \\, . or .. segments)");

const publishSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("feed"),
    title: text(80).meta({ description: "What a friend sees, e.g. \"Blog posts\"." }),
    ingress: name.optional().meta({ description: "Which ingress serves it (default: the first)." }),
    path: urlPath.meta({ description: "The feed's path, e.g. /feed.xml; it must lie under one of the ingress's public paths." }),
  }),
  z.strictObject({
    kind: z.literal("activitypub"),
    title: text(80),
    ingress: name.optional(),
    handle: z
      .string()
      .max(200)
      .regex(/^@?[A-Za-z0-9_.-]{1,64}@\{host\}$/, 'must be a handle on the app\'s own host, such as "@me@{host}"')
      .meta({ description: "The account's handle; {host} becomes the ingress's host name." }),
  }),
]);

const subscribeSchema = z
  .strictObject({
    kind: z.enum(SOCIAL_KINDS),
    ingress: name.optional(),
    path: urlPath.meta({ description: "Opened in the app's window with {url} (feed) or {handle} (activitypub) filled in, e.g. /bookmarklet?uri={url}." }),
  })
  .refine((s) => s.path.split(SUBSCRIBE_PLACEHOLDER[s.kind]).length === 2, {
    message: "must contain its kind's placeholder exactly once: {url} for a feed, {handle} for activitypub",
    path: ["path"],
  });

export const publishesSchema = z.array(publishSchema).max(10).default([]).meta({ description: "Public entry points the owner may list on their PCC card." });
export const subscribesSchema = z.array(subscribeSchema).max(10).default([]).meta({ description: "What the app can follow for its owner, and the page that does it." });

export type Publish = z.output<typeof publishSchema>;
export type Subscribe = z.output<typeof subscribeSchema>;

type Draft = {
  ingress: { name: string; public: string[] }[];
  publishes: Publish[];
  subscribes: Subscribe[];
};

/** Cross-field checks: the ingress exists, and a feed is reachable without the owner's sign-in (by the
 * gate's own rule, so the check and the gate never disagree). */
export function checkSocial(spec: Draft, report: (path: (string | number)[], message: string) => void) {
  const ingressOf = (n: string | undefined) => (n === undefined ? spec.ingress[0] : spec.ingress.find((g) => g.name === n));
  spec.publishes.forEach((p, i) => {
    const g = ingressOf(p.ingress);
    if (!g) return report(["publishes", i, "ingress"], p.ingress ? `names the ingress "${p.ingress}", which is not declared under ingress` : "needs an ingress to publish from");
    if (p.kind === "feed" && !isPublicPath(g.public, p.path.split("?")[0]!)) {
      report(["publishes", i, "path"], `is not under a public path of the ingress "${g.name}", so friends could not read it without signing in to this PCC`);
    }
  });
  spec.subscribes.forEach((s, i) => {
    if (!ingressOf(s.ingress)) report(["subscribes", i, "ingress"], s.ingress ? `names the ingress "${s.ingress}", which is not declared under ingress` : "needs an ingress to open");
  });
}
