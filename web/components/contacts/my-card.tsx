"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type ChangeEvent } from "react";
import type { PublishableEntry } from "@/server/modules/contacts/contacts.service";
import { errorMessage } from "@/web/lib/errors";
import { useTRPC } from "@/web/lib/trpc";
import { Button } from "@/web/components/ui/button";
import { describedBy, Field, INPUT_CLASS } from "@/web/components/ui/field";
import { Spinner } from "@/web/components/ui/spinner";
import { Avatar } from "./contacts-window";

type MyCardData = { domain: string; displayName: string; avatar: string | null; entries: PublishableEntry[] };

/** Pictures larger than this are refused before reading; anything smaller is scaled down to 160 px. */
const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;
const AVATAR_PX = 160;

/** The owner's public card: what friends' PCCs read at /.well-known/pcc-card.json. Nothing is listed until ticked. */
export function MyCard() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery(trpc.contacts.myCard.queryOptions());
  const data = q.data as MyCardData | undefined;
  const [name, setName] = useState("");
  const [avatar, setAvatar] = useState<string | null>(null);
  const [listed, setListed] = useState<Set<string>>(new Set());
  const [pictureError, setPictureError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!data) return;
    setName(data.displayName);
    setAvatar(data.avatar);
    setListed(new Set(data.entries.filter((e) => e.listed).map((e) => e.key)));
  }, [data]);
  const save = useMutation(
    trpc.contacts.updateMyCard.mutationOptions({
      onSuccess: (next) => {
        qc.setQueryData(trpc.contacts.myCard.queryKey(), next);
        setSaved(true);
      },
    }),
  );

  if (!data) return q.isPending ? <Spinner className="size-5 text-fg-subtle" /> : <p className="text-sm text-danger">{errorMessage(q.error)}</p>;

  async function pick(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = "";
    setPictureError(null);
    if (!file) return;
    if (file.size > MAX_UPLOAD_BYTES) return setPictureError("That picture is larger than 8 MB.");
    try {
      setAvatar(await shrink(file));
      setSaved(false);
    } catch {
      setPictureError("That file is not a picture PCC can read (PNG, JPEG or WebP).");
    }
  }

  const error = errorMessage(save.error);
  return (
    <div className="space-y-6" data-testid="my-card">
      <p className="text-sm text-fg-muted">
        Friends add you by <strong className="font-medium text-fg">{data.domain}</strong>. Their PCC reads only what is here; nothing else about your PCC is shared.
      </p>
      <div className="flex items-center gap-4">
        <Avatar name={name || data.domain} src={avatar} className="size-16" />
        <div className="flex flex-wrap gap-2">
          <label className="inline-flex h-11 cursor-pointer items-center rounded-full px-4 text-sm font-medium text-fg ring-1 ring-line hover:bg-surface-2 focus-within:outline-2 focus-within:outline-indigo-500 sm:h-8 sm:text-[13px]">
            Choose a picture
            <input type="file" accept="image/png,image/jpeg,image/webp" className="sr-only" data-testid="my-card-avatar" onChange={pick} />
          </label>
          {avatar && (
            <Button variant="ghost" onClick={() => (setAvatar(null), setSaved(false))}>
              Remove picture
            </Button>
          )}
        </div>
      </div>
      {pictureError && (
        <p role="alert" className="text-[13px] text-danger">
          {pictureError}
        </p>
      )}
      <Field id="my-card-name" label="Your name" hint="How friends see you.">
        <input
          id="my-card-name"
          data-testid="my-card-name"
          className={INPUT_CLASS}
          maxLength={80}
          value={name}
          onChange={(e) => (setName(e.target.value), setSaved(false))}
          aria-describedby={describedBy("my-card-name", true, null)}
        />
      </Field>
      <fieldset>
        <legend className="text-sm font-medium text-fg">What your card lists</legend>
        {data.entries.length === 0 ? (
          <p className="mt-1 text-[13px] text-fg-muted">None of your apps publishes a feed or an account yet. A blog or a microblog from the App Store can.</p>
        ) : (
          <ul className="mt-2 space-y-1">
            {data.entries.map((e) => (
              <li key={e.key}>
                <label className="flex min-h-11 items-center gap-3 rounded-lg px-2 hover:bg-surface-2">
                  <input
                    type="checkbox"
                    data-testid={`my-card-entry-${e.appId}`}
                    className="size-4 accent-indigo-600"
                    checked={listed.has(e.key)}
                    onChange={(ev) => {
                      const next = new Set(listed);
                      if (ev.target.checked) next.add(e.key);
                      else next.delete(e.key);
                      setListed(next);
                      setSaved(false);
                    }}
                  />
                  <span className="min-w-0 flex-1">
                    <span className="block text-sm text-fg">
                      {e.title} <span className="text-fg-muted">· {e.appName}</span>
                    </span>
                    <span className="block truncate text-[12px] text-fg-muted">{e.kind === "feed" ? e.url : e.handle}</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      <div className="flex items-center gap-3">
        <Button variant="primary" data-testid="my-card-save" disabled={save.isPending} onClick={() => save.mutate({ displayName: name, avatar, listed: [...listed] })}>
          {save.isPending && <Spinner className="size-3.5" />}
          Save card
        </Button>
        <p role="status" className="text-[13px] text-fg-muted">
          {saved ? "Saved. Friends see it at their next refresh." : ""}
        </p>
      </div>
      {error && (
        <p role="alert" className="text-[13px] text-danger">
          {error}
        </p>
      )}
    </div>
  );
}

/** Scales a picture down to a small square JPEG data URL (the card's size limit is 40 KB). */
async function shrink(file: File): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const side = Math.min(bitmap.width, bitmap.height);
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = AVATAR_PX;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no canvas");
  ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, AVATAR_PX, AVATAR_PX);
  bitmap.close();
  return canvas.toDataURL("image/jpeg", 0.85);
}
