import { DomainError } from "../../errors";
import { BodyTooLarge, httpRequest } from "../../lib/http-request";

type Manifest = { manifests?: { digest: string; platform?: { os?: string; architecture?: string } }[]; layers?: { digest: string; size: number }[] };

/** A reference split the way registries address it. */
export type ImageRef = { registry: string; repository: string; tag: string | null; digest: string | null };

const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

const TIMEOUT_MS = 15_000;

/** "docker.io/library/redis:7@sha256:…" → its parts (a name always carries its registry in PCC). */
export function parseImageRef(ref: string): ImageRef {
  const [name, digest = null] = ref.split("@") as [string, string?];
  const slash = name.indexOf("/");
  const registry = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  const colon = rest.lastIndexOf(":");
  const [repository, tag] = colon > 0 ? [rest.slice(0, colon), rest.slice(colon + 1)] : [rest, null];
  return { registry, repository, tag, digest: digest ?? null };
}

/** Docker Hub's API lives elsewhere than its name. */
const apiHost = (registry: string) => (registry === "docker.io" ? "registry-1.docker.io" : registry);

/**
 * Asks a registry which digest a tag points at now (the "tag moved" half of update detection). Anonymous:
 * follows a registry's Bearer challenge for a pull token, as every public registry wants.
 */
export class RegistryClient {
  constructor(
    /** Registries reached over plain HTTP: only the tests' own, on this machine. */
    private readonly insecure: string[] = [],
  ) {}

  async tagDigest(ref: ImageRef): Promise<string | null> {
    if (!ref.tag) return null;
    const scheme = this.insecure.includes(ref.registry) ? "http" : "https";
    const url = `${scheme}://${apiHost(ref.registry)}/v2/${ref.repository}/manifests/${ref.tag}`;
    let r = await this.head(url, {});
    if (r.status === 401 && r.challenge) {
      const token = await this.token(r.challenge, ref.repository);
      r = await this.head(url, { authorization: `Bearer ${token}` });
    }
    if (r.status === 404) return null;
    if (r.status !== 200 || !r.digest) throw new DomainError("EXTERNAL_FAILURE", `The registry ${ref.registry} did not say what ${ref.repository}:${ref.tag} is now (HTTP ${r.status}).`);
    return r.digest;
  }

  /**
   * The compressed size of each layer of an image (digest → bytes), for this machine's platform, or null
   * when the registry does not say. Podman reports no byte counts for layers that download in under a
   * second (all of them, from a registry nearby), so PCC counts finished layers against these sizes.
   */
  async layerSizes(ref: ImageRef): Promise<Map<string, number> | null> {
    const scheme = this.insecure.includes(ref.registry) ? "http" : "https";
    const base = `${scheme}://${apiHost(ref.registry)}/v2/${ref.repository}/manifests/`;
    let auth: Record<string, string> = {};
    const get = async (reference: string) => {
      let r = await this.getJson(base + reference, auth);
      if (r.status === 401 && r.challenge) {
        auth = { authorization: `Bearer ${await this.token(r.challenge, ref.repository)}` };
        r = await this.getJson(base + reference, auth);
      }
      return r.status === 200 ? (r.body as Manifest) : null;
    };
    let m = await get(ref.digest ?? ref.tag ?? "latest");
    if (m?.manifests) {
      const arch = ({ x64: "amd64", arm64: "arm64", arm: "arm" } as Record<string, string>)[process.arch] ?? process.arch;
      const pick = m.manifests.find((e) => e.platform?.os === "linux" && e.platform.architecture === arch);
      m = pick ? await get(pick.digest) : null;
    }
    if (!m?.layers?.length) return null;
    return new Map(m.layers.filter((l) => typeof l.digest === "string" && Number.isFinite(l.size)).map((l) => [l.digest, l.size]));
  }

  private async getJson(url: string, headers: Record<string, string>) {
    let r;
    try {
      // A manifest is a few kilobytes; stop reading anything far bigger rather than hold it in memory.
      r = await httpRequest(url, { headers: { accept: MANIFEST_ACCEPT, ...headers }, timeoutMs: TIMEOUT_MS, maxBytes: 1_000_000 });
    } catch (e) {
      if (e instanceof BodyTooLarge) return { status: 413, body: null, challenge: null };
      throw e;
    }
    const challenge = r.headers["www-authenticate"];
    const body: unknown = r.status === 200 ? JSON.parse(r.body.toString("utf8")) : null;
    return { status: r.status, body, challenge: typeof challenge === "string" ? challenge : null };
  }

  private async head(url: string, headers: Record<string, string>) {
    const r = await httpRequest(url, { method: "HEAD", headers: { accept: MANIFEST_ACCEPT, ...headers }, timeoutMs: TIMEOUT_MS, maxBytes: 0 });
    const digest = r.headers["docker-content-digest"];
    const challenge = r.headers["www-authenticate"];
    return { status: r.status, digest: typeof digest === "string" ? digest : null, challenge: typeof challenge === "string" ? challenge : null };
  }

  private async token(challenge: string, repository: string): Promise<string> {
    const param = (k: string) => new RegExp(`${k}="([^"]*)"`).exec(challenge)?.[1];
    const realm = param("realm");
    if (!realm || !realm.startsWith("https://")) throw new DomainError("EXTERNAL_FAILURE", "The registry asked for a kind of sign-in PCC does not do.");
    const u = new URL(realm);
    const service = param("service");
    if (service) u.searchParams.set("service", service);
    u.searchParams.set("scope", param("scope") ?? `repository:${repository}:pull`);
    const r = await httpRequest(u, { timeoutMs: TIMEOUT_MS, maxBytes: 1_000_000 });
    let body: { token?: string; access_token?: string } = {};
    try {
      body = JSON.parse(r.body.toString("utf8")) as typeof body;
    } catch {
      /* not JSON: no token */
    }
    const token = body.token ?? body.access_token;
    if (r.status !== 200 || !token) throw new DomainError("EXTERNAL_FAILURE", `The registry's token service refused (HTTP ${r.status}).`);
    return token;
  }
}
