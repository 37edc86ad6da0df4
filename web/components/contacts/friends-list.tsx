"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { ContactView } from "@/server/modules/contacts/contacts.service";
import { useShell } from "@/web/hooks/use-shell";
import { errorMessage } from "@/web/lib/errors";
import { useTRPC } from "@/web/lib/trpc";
import { ago } from "@/web/components/security/format";
import { Button } from "@/web/components/ui/button";
import { describedBy, Field, INPUT_CLASS } from "@/web/components/ui/field";
import { Spinner } from "@/web/components/ui/spinner";
import { Avatar } from "./contacts-window";

const KIND_LABEL = { feed: "Feed", activitypub: "Account" } as const;

export function FriendsList() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.contacts.list.queryOptions());
  const contacts = (list.data ?? []) as ContactView[];
  const [domain, setDomain] = useState("");
  const add = useMutation(
    trpc.contacts.add.mutationOptions({
      onSuccess: () => {
        setDomain("");
        void qc.invalidateQueries({ queryKey: trpc.contacts.list.queryKey() });
      },
    }),
  );
  const error = errorMessage(add.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (domain.trim()) add.mutate({ domain: domain.trim() });
  }

  return (
    <div className="space-y-6">
      <form onSubmit={submit} className="space-y-2" aria-labelledby="contacts-add-title">
        <h2 id="contacts-add-title" className="text-base font-semibold text-fg">
          Add a friend
        </h2>
        <Field id="contacts-domain" label="Their PCC's domain" hint="As they would type it in a browser, such as pcc.example.org." error={error}>
          <div className="flex gap-2">
            <input
              id="contacts-domain"
              data-testid="contacts-domain"
              className={INPUT_CLASS}
              value={domain}
              onChange={(e) => setDomain(e.target.value)}
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              inputMode="url"
              aria-invalid={!!error || undefined}
              aria-describedby={describedBy("contacts-domain", true, error)}
            />
            <Button type="submit" variant="primary" data-testid="contacts-add" disabled={add.isPending || !domain.trim()}>
              {add.isPending && <Spinner className="size-3.5" />}
              Add
            </Button>
          </div>
        </Field>
      </form>

      <section aria-labelledby="contacts-list-title" className="space-y-3">
        <h2 id="contacts-list-title" className="text-base font-semibold text-fg">
          Friends
        </h2>
        {list.isPending ? (
          <Spinner className="size-5 text-fg-subtle" />
        ) : contacts.length === 0 ? (
          <p data-testid="contacts-empty" className="text-sm text-fg-muted">
            No friends yet. Add one by their PCC&apos;s domain to see what they share and follow it with your own apps.
          </p>
        ) : (
          <ul className="space-y-3">
            {contacts.map((c) => (
              <ContactCard key={c.id} contact={c} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function ContactCard({ contact }: { contact: ContactView }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const shell = useShell();
  const onSettled = () => qc.invalidateQueries({ queryKey: trpc.contacts.list.queryKey() });
  const refresh = useMutation(trpc.contacts.refresh.mutationOptions({ onSettled }));
  const remove = useMutation(trpc.contacts.remove.mutationOptions({ onSettled }));
  const name = contact.name || contact.domain;
  const error = errorMessage(refresh.error ?? remove.error);
  const testId = `contact-${contact.domain.replace(/[^a-z0-9]+/g, "-")}`;

  return (
    <li data-testid={testId} className="rounded-2xl bg-surface-2 p-4 ring-1 ring-line">
      <div className="flex items-center gap-3">
        <Avatar name={name} src={contact.avatar} />
        <div className="min-w-0 flex-1">
          <p className="truncate font-medium text-fg" data-testid={`${testId}-name`}>
            {name}
          </p>
          <p className="truncate text-[13px] text-fg-muted">
            {contact.domain} · read {ago(contact.fetchedAt)}
          </p>
        </div>
        <Button onClick={() => refresh.mutate({ id: contact.id })} disabled={refresh.isPending} aria-label={`Refresh ${name}'s card`}>
          {refresh.isPending && <Spinner className="size-3.5" />}
          Refresh
        </Button>
        <Button variant="danger-ghost" onClick={() => remove.mutate({ id: contact.id })} disabled={remove.isPending} aria-label={`Remove ${name}`}>
          Remove
        </Button>
      </div>
      {error && (
        <p role="alert" className="mt-2 text-[13px] text-danger">
          {error}
        </p>
      )}
      {contact.entries.length === 0 ? (
        <p className="mt-3 text-[13px] text-fg-muted">{name} shares nothing on their card yet.</p>
      ) : (
        <ul className="mt-3 divide-y divide-line rounded-xl bg-surface ring-1 ring-line" aria-label={`What ${name} shares`}>
          {contact.entries.map((e, i) => {
            const target = e.kind === "feed" ? e.url : e.handle;
            const via = e.subscribe[0];
            return (
              <li key={i} data-testid={`${testId}-entry-${i}`} className="flex flex-wrap items-center gap-x-3 gap-y-2 px-3 py-2.5">
                <div className="min-w-0 flex-1">
                  <p className="text-sm text-fg">
                    <span className="mr-2 rounded-md bg-surface-3 px-1.5 py-0.5 text-[11px] font-medium text-fg-muted">{KIND_LABEL[e.kind]}</span>
                    {e.title}
                  </p>
                  <p className="truncate text-[12px] text-fg-muted">{target}</p>
                </div>
                {via ? (
                  <Button variant="primary" data-testid={`${testId}-subscribe-${i}`} onClick={() => shell.openApp(via.appId, via.url)}>
                    {e.kind === "feed" ? "Subscribe" : "Follow"} with {via.appName}
                  </Button>
                ) : (
                  <Button data-testid={`${testId}-get-app-${i}`} onClick={() => shell.openStoreFollowing(e.kind)}>
                    Get an app for this
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </li>
  );
}
