"use client";

import { lazyComponent } from "@/web/lib/lazy";
import { SignInFlow } from "./sign-in-flow";

// Setup happens once in a PCC's life: the sign-in page, which every new browser sees, does not carry it.
const ClaimFlow = lazyComponent(() => import("./claim-flow").then((m) => m.ClaimFlow), { loading: () => <main className="pcc-wallpaper fixed inset-0" aria-busy="true" /> });

/** Setup (claim) on an unclaimed PCC, sign-in on a claimed one. No passwords anywhere. */
export function AuthScreen({ mode }: { mode: "setup" | "signin" }) {
  return mode === "setup" ? <ClaimFlow /> : <SignInFlow />;
}
