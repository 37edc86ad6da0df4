import type { Platform, Resolution, SvcWork } from "./convert-types";
import type { DraftSetting } from "./draft";
import type { Notes } from "./notes";
import { SecretRegistry } from "./secrets";

/**
 * The state of one conversion, shared by the converter's passes (convert-*.ts): each pass is a function
 * of this context rather than a method, so the passes can live in files of their own while still
 * agreeing on one set of secrets, settings, volumes and service names.
 */
export class ConvertContext {
  readonly secrets = new SecretRegistry();
  readonly settings = new Map<string, DraftSetting>();
  readonly settingTaken = new Set<string>();
  readonly volumes = new Map<string, { description?: string }>();
  readonly volumeBySource = new Map<string, string>();
  readonly volumeTaken = new Set<string>();
  readonly work: SvcWork[] = [];
  readonly byOrig = new Map<string, SvcWork>();
  /** Every name a service is reached by (lower-cased) → its original compose name. */
  readonly aliases = new Map<string, string>();
  readonly resolved = new Map<string, Resolution>();
  /** Variables whose resolution has been noted already. */
  readonly noted = new Set<string>();
  /** The host port the source served the web entry on: `http://localhost:<it>` in env is the app's own URL. */
  readonly mainHostPorts = new Set<number>();
  gpu = false;

  constructor(
    readonly p: Platform,
    readonly notes: Notes,
  ) {}

  /** A note source: the source's compose file and a path in it. */
  src = (path: string) => `${this.p.file}: ${path}`;
}
