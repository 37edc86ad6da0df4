"use client";

import { useState } from "react";
import { Tabs, TabPanel, type TabDef } from "@/web/components/ui/tabs";
import { FriendsList } from "./friends-list";
import { MyCard } from "./my-card";

const TABS: TabDef[] = [
  { id: "friends", label: "Friends" },
  { id: "card", label: "My card" },
];

/**
 * Contacts: friends' PCCs, added by their domain, each with the public card PCC read from it and a tap to
 * follow what it lists with one of the owner's own apps; and the owner's own card, which lists nothing
 * until the owner ticks it.
 */
export function ContactsWindow() {
  const [tab, setTab] = useState("friends");
  return (
    <div data-testid="contacts-window" className="flex h-full flex-col bg-surface">
      <div className="pt-3">
        <Tabs tabs={TABS} value={tab} onChange={setTab} idBase="contacts" label="Contacts sections" />
      </div>
      <TabPanel idBase="contacts" id={tab} className="min-h-0 flex-1 overflow-y-auto p-4 sm:p-6">
        {tab === "friends" ? <FriendsList /> : <MyCard />}
      </TabPanel>
    </div>
  );
}

/** A round picture of a person, or their initial on a colour of its own. */
export function Avatar({ name, src, className = "size-12" }: { name: string; src: string | null; className?: string }) {
  if (src) return <img src={src} alt="" className={`${className} shrink-0 rounded-full object-cover ring-1 ring-line`} />;
  const initial = (name.trim()[0] ?? "?").toUpperCase();
  return (
    <span aria-hidden="true" className={`${className} flex shrink-0 items-center justify-center rounded-full bg-gradient-to-br from-emerald-500 to-teal-700 text-lg font-semibold text-white`}>
      {initial}
    </span>
  );
}
