import type { PushRepository } from "../../adapters/db/push-repository";
import type { SecretBox } from "../secrets/secret-box";
import type { VapidDetails } from "./push-sender";

// Binds the sealed value to its use: a sealed app secret moved into this row does not open.
const SEAL_CONTEXT = "push:vapid-private-key";

/**
 * PCC's VAPID identity: one P-256 key pair, made on first use and kept for good (every browser's
 * subscription is bound to the public key; a new key would silently orphan them all). The private key
 * is sealed with the secret box, so a copied pcc.db alone cannot sign pushes as this PCC.
 */
export class VapidKeys {
  private loaded: Promise<VapidDetails> | null = null;

  constructor(
    private readonly repo: PushRepository,
    private readonly box: SecretBox,
    /** Who runs this push sender, for push services to contact: the shell's https origin. */
    private readonly subject: string,
    // web-push is loaded only when a key is first made (see push-sender.ts).
    private readonly generate: () => Promise<{ publicKey: string; privateKey: string }> = async () => (await import("web-push")).default.generateVAPIDKeys(),
  ) {}

  details(): Promise<VapidDetails> {
    // A failed load (database busy at boot) is not remembered: the next send tries again.
    this.loaded ??= this.load().catch((e: unknown) => {
      this.loaded = null;
      throw e;
    });
    return this.loaded;
  }

  async publicKey(): Promise<string> {
    return (await this.details()).publicKey;
  }

  private async load(): Promise<VapidDetails> {
    let stored = await this.repo.vapidKey();
    if (!stored) {
      const fresh = await this.generate();
      stored = await this.repo.keepVapidKey({ publicKey: fresh.publicKey, sealedPrivateKey: this.box.seal(fresh.privateKey, SEAL_CONTEXT) });
    }
    return { subject: this.subject, publicKey: stored.publicKey, privateKey: this.box.open(stored.sealedPrivateKey, SEAL_CONTEXT) };
  }
}

/**
 * VAPID's "sub" must be a mailto: or https: URL for the push service to reach the sender. The shell's
 * origin is one PCC always has; a box with an ACME e-mail gives that instead, which push services prefer.
 */
export function vapidSubject(shellOrigin: string, acmeEmail: string | null): string {
  return acmeEmail ? `mailto:${acmeEmail}` : shellOrigin;
}
