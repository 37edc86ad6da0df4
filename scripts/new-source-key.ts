// Makes an Ed25519 key pair for signing a catalog source (scripts/sign-source.ts) or issuing licence keys
// of a paid app (scripts/issue-licence.ts). Writes NAME.key (the private key, PKCS#8 PEM, mode 0600: keep it
// secret and backed up) and NAME.pub (the public key: base64 of its raw 32 bytes, what owners give
// `./pcc source add --key` and what a paid app's `license.publicKey` holds), and prints the fingerprint.
//
//   node --import tsx scripts/new-source-key.ts NAME       (e.g. keys/my-source)
import fs from "node:fs";
import { newKeyPair } from "../server/modules/catalog/source-publish";

const name = process.argv[2];
if (!name || name.startsWith("-")) {
  console.error("usage: node --import tsx scripts/new-source-key.ts NAME   (writes NAME.key and NAME.pub)");
  process.exit(2);
}
for (const f of [`${name}.key`, `${name}.pub`]) {
  if (fs.existsSync(f)) {
    console.error(`error: ${f} exists; PCC will not overwrite a key`);
    process.exit(1);
  }
}
const pair = newKeyPair();
fs.writeFileSync(`${name}.key`, pair.privatePem, { mode: 0o600, flag: "wx" });
fs.writeFileSync(`${name}.pub`, `${pair.publicKey}\n`, { flag: "wx" });
console.log(`Private key: ${name}.key (keep it secret)`);
console.log(`Public key:  ${pair.publicKey}  (in ${name}.pub)`);
console.log(`Fingerprint: ${pair.fingerprint}`);
