import type { Metadata } from "next";
import { TrustGuide } from "@/web/components/system/trust-guide";

export const metadata: Metadata = { title: "Trust your PCC · PCC" };

export default function TrustPage() {
  return <TrustGuide />;
}
