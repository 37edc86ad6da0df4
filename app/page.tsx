import { Shell } from "@/web/components/shell";

export default function Home() {
  return <Shell />;
}
