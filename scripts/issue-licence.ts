// For developers of a paid app: issues a licence key for one buyer, signed with the private half of the
// key pair whose public half is the app's `license.publicKey` (make one with scripts/new-source-key.ts).
// PCC checks the key offline when the owner installs the app. Format: apps-catalog/README.md, "Paid apps".
//
//   node --import tsx scripts/issue-licence.ts --key KEYFILE --app ID --licence LICENCE-ID [--buyer NAME] [--expires 2027-01-31]
import { readPrivateKey } from "../server/modules/catalog/source-publish";
import { issueLicence, verifyLicence } from "../server/modules/catalog/licences";
import { rawPublicKey } from "../server/modules/catalog/source-index";

const argv = process.argv.slice(2);
const value = (flag: string) => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
};
const keyFile = value("--key");
const app = value("--app");
const licence = value("--licence");
const buyer = value("--buyer");
const expiresArg = value("--expires");
if (!keyFile || !app || !licence) {
  console.error("usage: node --import tsx scripts/issue-licence.ts --key KEYFILE --app ID --licence LICENCE-ID [--buyer NAME] [--expires YYYY-MM-DD]");
  process.exit(2);
}
try {
  const expires = expiresArg ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(expiresArg) ? `${expiresArg}T00:00:00Z` : expiresArg) : undefined;
  if (expires && Number.isNaN(expires.getTime())) throw new Error(`--expires ${expiresArg} is not a date`);
  const key = await readPrivateKey(keyFile);
  const text = issueLicence(key, {
    v: 1,
    app,
    licence,
    ...(buyer ? { buyer } : {}),
    issued: new Date().toISOString(),
    ...(expires ? { expires: expires.toISOString() } : {}),
  });
  // Checked as PCC will check it, so a developer never hands out a key that fails.
  verifyLicence(text, { id: app, publicKey: rawPublicKey(key) });
  console.log(text);
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
}
