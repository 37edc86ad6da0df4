import Head from "next/head";
import { TrustGuide } from "@/web/components/system/trust-guide";

export default function TrustPage() {
  return (
    <>
      <Head>
        <title>Trust your PCC · PCC</title>
      </Head>
      <TrustGuide />
    </>
  );
}
