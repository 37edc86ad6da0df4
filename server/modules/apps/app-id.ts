import { z } from "zod";

/** An app's id as it appears in URLs, the CLI and tRPC input. */
export const appIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,29}$/, "An app id is 1-30 lower-case letters, digits or dashes, starting with a letter.");
