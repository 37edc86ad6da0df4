// For publishers of a catalog source: hashes every app folder under DIR/apps/<id>/ (each must pass
// ./pcc app lint), writes DIR/index.json and signs it into DIR/index.json.sig with KEYFILE (from
// scripts/new-source-key.ts). Serve DIR as it is (any static HTTPS server) or give owners its path.
// Format: apps-catalog/README.md, "Publishing a source". Same as `./pcc source sign DIR --key KEYFILE`.
//
//   node --import tsx scripts/sign-source.ts DIR --key KEYFILE [--name "My apps"]
import { runSourceCommand } from "../server/cli/source-cli";

process.exit(await runSourceCommand(["sign", ...process.argv.slice(2)], ""));
