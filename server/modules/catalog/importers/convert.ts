import { dependencies, pickServices, topLevel } from "./convert-compose";
import { ConvertContext } from "./convert-context";
import { finishEnv } from "./convert-env";
import { generalNotes, output } from "./convert-output";
import { ingressAndPorts } from "./convert-ports";
import { hostNames } from "./convert-references";
import { literalSecrets } from "./convert-secrets";
import { convertService } from "./convert-service";
import type { Facts, Platform } from "./convert-types";
import type { Notes } from "./notes";
import type { SecretRegistry } from "./secrets";
import { isMapping } from "./source-text";
import { ImportError, type ImportResult } from "./types";

// Compose → pcc.app/v1. Umbrel, Runtipi and CasaOS apps are compose files with their platform's own
// variables, sidecars and metadata, so one converter does the work and each format describes its platform
// (a `Platform`) and its store facts (`Facts`). The converter builds the spec from what it understands,
// field by field; nothing is copied wholesale, so a field that loosens the sandbox can never slip through.
//
// This file is the converter's entry and public face; its passes live in convert-*.ts, one concern each,
// sharing one ConvertContext.

export type { Facts, Platform, Resolution, VarQuery } from "./convert-types";
export { recogniseProbe } from "./convert-healthcheck";
export { timezoneSetting } from "./convert-variables";

const MAX_SERVICES = 40;

export class Converter {
  private readonly ctx: ConvertContext;

  constructor(p: Platform, notes: Notes) {
    this.ctx = new ConvertContext(p, notes);
  }

  /** The secrets generated so far (all of them once convert() returns). */
  get secrets(): SecretRegistry {
    return this.ctx.secrets;
  }

  /** Converts a parsed compose document into the app folder. */
  convert(doc: unknown, facts: Facts): ImportResult {
    const ctx = this.ctx;
    const file = ctx.p.file;
    if (!isMapping(doc)) throw new ImportError(`${file} is not a compose file: it must be a mapping with services`);
    const services = doc.services;
    if (!isMapping(services) || !Object.keys(services).length) throw new ImportError(`${file} declares no services`);
    if (Object.keys(services).length > MAX_SERVICES) throw new ImportError(`${file} declares ${Object.keys(services).length} services; the importer reads up to ${MAX_SERVICES} (PCC allows 20)`);
    topLevel(ctx, doc);
    pickServices(ctx, services);
    if (!ctx.work.length) throw new ImportError(`${file} has no service left to run once the platform's own services are dropped`);
    const topVolumes = isMapping(doc.volumes) ? doc.volumes : {};
    const topSecrets = isMapping(doc.secrets) ? doc.secrets : {};
    for (const w of ctx.work) convertService(ctx, w, topVolumes, topSecrets);
    // The passes below need every service converted: the web entry may be any service's port, host names
    // and passwords are shared between services, and dependencies look at the target's healthcheck.
    const { ingress, ports } = ingressAndPorts(ctx, facts);
    for (const w of ctx.work) hostNames(ctx, w);
    literalSecrets(ctx, facts);
    for (const w of ctx.work) finishEnv(ctx, w);
    dependencies(ctx);
    generalNotes(ctx);
    return output(ctx, facts, ingress, ports);
  }
}
