"use client";

import { lazyComponent } from "@/web/lib/lazy";
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import type { CatalogApp } from "@/web/hooks/use-apps";

const InstallDialog = lazyComponent(() => import("./install-dialog").then((m) => m.InstallDialog));

type Flow = {
  /** Opens the permission prompt (and then the progress and credentials) for one app. */
  prompt: (app: CatalogApp) => void;
  /** After an install that needed no prompt: show the credentials it generated. */
  showCredentials: (app: CatalogApp) => void;
};

const Ctx = createContext<Flow>({ prompt: () => undefined, showCredentials: () => undefined });

/** The one install dialog of a store window, opened from a card or an app's page. */
export function InstallFlowProvider({ onOpen, children }: { onOpen: (id: string) => void; children: ReactNode }) {
  const [open, setOpen] = useState<{ app: CatalogApp; mode: "install" | "credentials" } | null>(null);
  const prompt = useCallback((app: CatalogApp) => setOpen({ app, mode: "install" }), []);
  const showCredentials = useCallback((app: CatalogApp) => setOpen((cur) => cur ?? { app, mode: "credentials" }), []);
  const value = useMemo(() => ({ prompt, showCredentials }), [prompt, showCredentials]);
  return (
    <Ctx.Provider value={value}>
      {children}
      {open && <InstallDialog key={open.app.id} app={open.app} mode={open.mode} onClose={() => setOpen(null)} onOpen={onOpen} />}
    </Ctx.Provider>
  );
}

export function useInstallFlow(): Flow {
  return useContext(Ctx);
}
