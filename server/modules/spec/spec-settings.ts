import vm from "node:vm";
import { z } from "zod";
import { key } from "./spec-fields";

// The form an owner fills in. Each type is its own variant so `default` is type-checked by zod itself.

const common = {
  key,
  label: z.string().trim().min(1).max(80),
  description: z.string().max(1000).optional(),
  required: z.boolean().default(false),
};

/** Compiles a pattern once; the source is capped so a file cannot hand PCC a giant regex. */
export function compilePattern(source: string): RegExp | null {
  try {
    return new RegExp(`^(?:${source})$`, "u");
  } catch {
    return null;
  }
}

/** Far more than any sane pattern needs for a 4 KB value. */
const MATCH_BUDGET_MS = 100;
const matcher = new vm.Script("re.test(value)");
const matchContext = vm.createContext({ re: null, value: "" });

/**
 * Whether `value` matches `re`, or null if that takes longer than a moment. A hostile pattern can
 * backtrack for hours on a short value ("(a+)+b" on forty a's), and a regex blocks PCC's whole event
 * loop: this one runs under a deadline V8 enforces.
 */
export function matchPattern(re: RegExp, value: string): boolean | null {
  Object.assign(matchContext, { re, value });
  try {
    return matcher.runInContext(matchContext, { timeout: MATCH_BUDGET_MS }) === true;
  } catch {
    return null;
  } finally {
    Object.assign(matchContext, { re: null, value: "" });
  }
}

const withPattern = {
  pattern: z
    .string()
    .min(1)
    .max(500)
    .refine((p) => compilePattern(p) !== null, "is not a valid regular expression")
    .optional()
    .meta({ description: "A JavaScript regular expression the whole value must match." }),
};

const checkPattern = (s: { default?: string; pattern?: string }, ctx: z.RefinementCtx) => {
  const re = s.pattern === undefined ? null : compilePattern(s.pattern);
  const match = re && s.default !== undefined ? matchPattern(re, s.default) : true;
  if (match === false) ctx.addIssue({ code: "custom", path: ["default"], message: "does not match the setting's own pattern" });
  if (match === null) {
    ctx.addIssue({ code: "custom", path: ["pattern"], message: "takes too long to match its default (nested repetition such as (a+)+ backtracks without end); simplify it" });
  }
};

const textSetting = z.strictObject({ ...common, type: z.literal("text"), default: z.string().max(4096).optional(), ...withPattern }).superRefine(checkPattern);
const passwordSetting = z
  .strictObject({ ...common, type: z.literal("password"), default: z.string().max(4096).optional(), ...withPattern })
  .superRefine(checkPattern);

const numberSetting = z
  .strictObject({ ...common, type: z.literal("number"), default: z.number().optional(), min: z.number().optional(), max: z.number().optional() })
  .superRefine((s, ctx) => {
    const issue = (field: string, message: string) => ctx.addIssue({ code: "custom", path: [field], message });
    if (s.min !== undefined && s.max !== undefined && s.min > s.max) issue("max", `is below min (${s.min})`);
    if (s.default !== undefined && s.min !== undefined && s.default < s.min) issue("default", `is below min (${s.min})`);
    if (s.default !== undefined && s.max !== undefined && s.default > s.max) issue("default", `is above max (${s.max})`);
  });

const selectSetting = z
  .strictObject({
    ...common,
    type: z.literal("select"),
    default: z.string().optional(),
    options: z
      .array(z.strictObject({ value: z.string().min(1).max(200), label: z.string().trim().min(1).max(80) }))
      .min(1, "a select needs at least one option")
      .max(100),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.options.forEach((o, i) => {
      if (seen.has(o.value)) ctx.addIssue({ code: "custom", path: ["options", i, "value"], message: `repeats the option "${o.value}"` });
      seen.add(o.value);
    });
    if (s.default !== undefined && !seen.has(s.default)) ctx.addIssue({ code: "custom", path: ["default"], message: "is not one of the options' values" });
  });

const booleanSetting = z.strictObject({ ...common, type: z.literal("boolean"), default: z.boolean().optional() });

export const settingSchema = z.discriminatedUnion("type", [textSetting, passwordSetting, numberSetting, selectSetting, booleanSetting]);
export type Setting = z.output<typeof settingSchema>;
