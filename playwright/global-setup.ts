import { PccInstance } from "../tests/helpers/pcc-instance";

export default async function globalSetup() {
  const pcc = await PccInstance.start({ web: true });
  process.env.PCC_E2E_SHELL_URL = pcc.shellUrl;
  process.env.PCC_E2E_SETUP_CODE = pcc.setupCode ?? "";
  process.env.PCC_E2E_DOMAIN = pcc.domain;
  process.env.PCC_E2E_HTTPS_PORT = String(pcc.httpsPort);
  process.env.PCC_E2E_DATA_DIR = pcc.dataDir;
  return async () => {
    await pcc.stop();
    pcc.cleanup();
  };
}
