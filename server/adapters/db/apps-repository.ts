import type { Db } from "./db";

export type AppPhase = "installing" | "installed" | "removing" | "removing-keep-data";
export type AppRow = {
  id: string;
  name: string;
  version: string;
  manifest: string;
  desiredState: "running" | "stopped";
  phase: AppPhase;
  subnet: string;
  bridge: string;
  installedAt: Date;
};

export interface AppsRepository {
  list(): Promise<AppRow[]>;
  get(id: string): Promise<AppRow | null>;
  /** Inserts the row that journals an install; false if the app is already there. */
  create(row: Omit<AppRow, "installedAt">): Promise<boolean>;
  update(id: string, patch: Partial<Pick<AppRow, "desiredState" | "phase">>): Promise<void>;
  delete(id: string): Promise<void>;
  keptVolumes(): Promise<Map<string, string[]>>;
  keepVolumes(appId: string, volumes: string[]): Promise<void>;
  forgetKeptVolumes(appId: string): Promise<void>;
}

const toRow = (r: Omit<AppRow, "desiredState" | "phase"> & { desiredState: string; phase: string }): AppRow => ({
  ...r,
  desiredState: r.desiredState === "stopped" ? "stopped" : "running",
  phase: r.phase as AppPhase,
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

  async create(row: Omit<AppRow, "installedAt">) {
    try {
      await this.db.app.create({ data: row });
      return true;
    } catch (e) {
      if ((e as { code?: string }).code === "P2002") return false;
      throw e;
    }
  }

  async update(id: string, patch: Partial<Pick<AppRow, "desiredState" | "phase">>) {
    await this.db.app.updateMany({ where: { id }, data: patch });
  }

  async delete(id: string) {
    await this.db.app.deleteMany({ where: { id } });
  }

  async keptVolumes() {
    const rows = await this.db.keptData.findMany();
    return new Map(rows.map((r) => [r.appId, JSON.parse(r.volumes) as string[]]));
  }

  async keepVolumes(appId: string, volumes: string[]) {
    const data = { volumes: JSON.stringify(volumes) };
    await this.db.keptData.upsert({ where: { appId }, create: { appId, ...data }, update: data });
  }

  async forgetKeptVolumes(appId: string) {
    await this.db.keptData.deleteMany({ where: { appId } });
  }
}
