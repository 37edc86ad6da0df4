import type { Db } from "./db";

export type AppPhase = "installing" | "installed" | "removing" | "removing-keep-data";

export type AppRow = {
  id: string;
  name: string;
  version: string;
  /** The stored spec (JSON) and its format version (see modules/spec/stored-spec.ts). */
  manifest: string;
  specVersion: number;
  desiredState: "running" | "stopped";
  phase: AppPhase;
  subnet: string;
  bridge: string;
  /** JSON, see modules/runtime/app-resources.ts */
  resources: string;
  /** JSON, see modules/runtime/runtime-plan.ts AppGrants */
  grants: string;
  /** JSON: setting values; password settings sealed */
  settings: string;
  /** The licence key accepted at install (paid apps); null or absent for free apps. */
  licence?: string | null;
  /** Automatic updates: "auto", "notify" or "off". */
  updatePolicy?: UpdatePolicy;
  installedAt: Date;
};

export type UpdatePolicy = "auto" | "notify" | "off";

export type NewAppRow = Omit<AppRow, "installedAt">;
export type KeptData = { volumes: string[] | Record<string, string>; secrets: Record<string, string> };

export interface AppsRepository {
  list(): Promise<AppRow[]>;
  get(id: string): Promise<AppRow | null>;
  /** Inserts the row that journals an install, with its sealed secrets, atomically; false if the app is already there. */
  create(row: NewAppRow, secrets: Record<string, string>): Promise<boolean>;
  update(id: string, patch: Partial<Pick<AppRow, "desiredState" | "phase" | "grants" | "settings" | "manifest" | "specVersion" | "version" | "name" | "resources" | "updatePolicy">>): Promise<void>;
  delete(id: string): Promise<void>;
  /** Sealed secrets by name. */
  secrets(id: string): Promise<Record<string, string>>;
  /** Adds sealed secrets a newer version of the app declares (existing names are kept as they are). */
  addSecrets(id: string, secrets: Record<string, string>): Promise<void>;
  keptData(): Promise<Map<string, KeptData>>;
  keepData(appId: string, data: KeptData): Promise<void>;
  forgetKeptData(appId: string): Promise<void>;
}

type Raw = Omit<AppRow, "desiredState" | "phase" | "updatePolicy"> & { desiredState: string; phase: string; updatePolicy?: string };

const toRow = (r: Raw): AppRow => ({
  id: r.id,
  name: r.name,
  version: r.version,
  manifest: r.manifest,
  specVersion: r.specVersion,
  desiredState: r.desiredState === "stopped" ? "stopped" : "running",
  phase: r.phase as AppPhase,
  subnet: r.subnet,
  bridge: r.bridge,
  resources: r.resources,
  grants: r.grants,
  settings: r.settings,
  licence: r.licence,
  updatePolicy: (["notify", "off"].includes(r.updatePolicy ?? "") ? r.updatePolicy : "auto") as UpdatePolicy,
  installedAt: r.installedAt,
});

export class PrismaAppsRepository implements AppsRepository {
  constructor(private readonly db: Db) {}

  async list() {
    return (await this.db.app.findMany({ orderBy: { installedAt: "asc" } })).map(toRow);
  }

  async get(id: string) {
    const r = await this.db.app.findUnique({ where: { id } });
    return r ? toRow(r) : null;
  }

  async create(row: NewAppRow, secrets: Record<string, string>) {
    try {
      await this.db.$transaction(async (tx) => {
        await tx.app.create({ data: row });
        for (const [name, value] of Object.entries(secrets)) await tx.appSecret.create({ data: { appId: row.id, name, value } });
      });
      return true;
    } catch (e) {
      if ((e as { code?: string }).code === "P2002") return false;
      throw e;
    }
  }

  async update(id: string, patch: Parameters<AppsRepository["update"]>[1]) {
    await this.db.app.updateMany({ where: { id }, data: patch });
  }

  async delete(id: string) {
    await this.db.app.deleteMany({ where: { id } });
  }

  async secrets(id: string) {
    const rows = await this.db.appSecret.findMany({ where: { appId: id } });
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  }

  async addSecrets(id: string, secrets: Record<string, string>) {
    for (const [name, value] of Object.entries(secrets)) {
      await this.db.appSecret.upsert({ where: { appId_name: { appId: id, name } }, create: { appId: id, name, value }, update: {} });
    }
  }

  async keptData() {
    const rows = await this.db.keptData.findMany();
    return new Map(rows.map((r) => [r.appId, { volumes: JSON.parse(r.volumes) as KeptData["volumes"], secrets: JSON.parse(r.secrets) as Record<string, string> }]));
  }

  async keepData(appId: string, data: KeptData) {
    const fields = { volumes: JSON.stringify(data.volumes), secrets: JSON.stringify(data.secrets) };
    await this.db.keptData.upsert({ where: { appId }, create: { appId, ...fields }, update: fields });
  }

  async forgetKeptData(appId: string) {
    await this.db.keptData.deleteMany({ where: { appId } });
  }
}
