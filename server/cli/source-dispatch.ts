import { z } from "zod";
import type { Services } from "../services";

/** The `source …` requests of the CLI (root on the machine, over the 0600 socket). */
const sourceId = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, "A source id is lower-case letters, digits and dashes.");
export const sourceRequestSchema = z.discriminatedUnion("cmd", [
  z.object({ cmd: z.literal("source.list") }),
  z.object({
    cmd: z.literal("source.add"),
    location: z.string().trim().min(1).max(2000),
    publicKey: z.string().trim().max(100).optional(),
    trustUnsigned: z.boolean().default(false),
  }),
  z.object({ cmd: z.literal("source.remove"), id: sourceId }),
  z.object({ cmd: z.literal("source.refresh"), id: sourceId.optional() }),
]);
export type SourceRequest = z.infer<typeof sourceRequestSchema>;

export async function dispatchSource(s: Services, r: SourceRequest): Promise<unknown> {
  switch (r.cmd) {
    case "source.list":
      return s.sources.list();
    case "source.add":
      return s.sources.add({ location: r.location, publicKey: r.publicKey, trustUnsigned: r.trustUnsigned });
    case "source.remove":
      await s.sources.remove(r.id);
      return { id: r.id };
    case "source.refresh":
      return s.sources.refresh(r.id);
  }
}
