import { Shell } from "@/web/components/shell";
import { TrpcProviders } from "@/web/lib/trpc";

export default function Home() {
  return (
    <TrpcProviders>
      <Shell />
    </TrpcProviders>
  );
}
