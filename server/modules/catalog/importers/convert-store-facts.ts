import { httpsUrl } from "../../spec/spec-fields";
import type { ConvertContext } from "./convert-context";
import type { Facts } from "./convert-types";
import type { Draft } from "./draft";
import { clip, semverise, titleCase } from "./values";

// Store facts (name, version, tagline, description, category, developer, website) come from the format's
// metadata; each one the source lacks gets a placeholder and a note, so nothing is published unreviewed.

export type StoreFacts = Pick<Draft, "name" | "version" | "tagline" | "description" | "category" | "developer" | "website">;

/** The store facts owners see; anything missing or unusable gets a placeholder and a review note. */
export function storeFacts(ctx: ConvertContext, facts: Facts): StoreFacts {
  const label = ctx.p.label;
  const storeNote = (field: string, what: string) => ctx.notes.add("review", `app.yaml: ${field}`, `${what} (${label} does not provide it): write it before publishing`);
  const name = facts.name?.trim() ? clip(facts.name.trim(), 60) : titleCase(facts.id);
  if (!facts.name?.trim()) storeNote("name", `"${name}" is made from the id`);
  let version = "0.1.0";
  if (facts.version) {
    const v = semverise(facts.version);
    if (v) {
      version = v;
      if (v !== facts.version) ctx.notes.add("info", "app.yaml: version", `"${facts.version}" written as the semantic version ${v}`);
    } else ctx.notes.add("review", "app.yaml: version", `"${facts.version}" is not a version; 0.1.0 used: write the app's version`);
  } else storeNote("version", "0.1.0 is a placeholder");
  const tagline = facts.tagline?.trim() ? clip(facts.tagline.trim(), 120) : `${name}, imported from ${label}`;
  if (!facts.tagline?.trim()) storeNote("tagline", "the tagline is a placeholder");
  else if (facts.tagline.trim().length > 120) ctx.notes.add("info", "app.yaml: tagline", "cut to 120 characters");
  let description = facts.description?.trim() ?? "";
  if (!description) {
    description = `${name}, imported from ${label}. Describe what it does for the owner.`;
    storeNote("description", "the description is a placeholder");
  }
  const extra = (facts.descriptionExtra ?? []).filter((l) => l.trim());
  if (extra.length) description = `${description}\n\n${extra.join("\n\n")}`;
  if (description.length > 4000) {
    description = clip(description, 4000);
    ctx.notes.add("info", "app.yaml: description", "cut to 4000 characters");
  }
  const category = facts.category ?? "other";
  if (!facts.category) storeNote("category", '"other" is a placeholder');
  const devName = facts.developer?.name?.trim() ? clip(facts.developer.name.trim(), 100) : "Unknown developer";
  if (!facts.developer?.name?.trim()) storeNote("developer", "the developer is a placeholder");
  const developer: Draft["developer"] = { name: devName };
  if (facts.developer?.url) {
    if (httpsUrl.safeParse(facts.developer.url).success) developer.url = facts.developer.url;
    else ctx.notes.add("dropped", "app.yaml: developer.url", `"${clip(facts.developer.url, 80)}" is not an https:// URL; left out`);
  }
  let website: string | undefined;
  if (facts.website) {
    if (httpsUrl.safeParse(facts.website).success) website = facts.website;
    else ctx.notes.add("dropped", "app.yaml: website", `"${clip(facts.website, 80)}" is not an https:// URL; left out`);
  }
  return { name, version, tagline, description, category, developer, website };
}
