import { Shell } from "@/web/components/shell";
import { TrpcProviders } from "@/web/lib/trpc";

export default function Home() {
  return (
    <TrpcProviders>
      <Shell />
    </TrpcProviders>
  );
}

// Rendered per request, never prerendered: each response carries its own CSP nonce (see _document).
export const getServerSideProps = async () => ({ props: {} });
