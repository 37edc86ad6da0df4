"use client";

import type { AskedPermissions, DeclaredPort } from "@/server/modules/apps/apps.types";
import { internetAsk, type PermissionAnswer } from "@/web/lib/install-answer";
import { Toggle, describedBy, INPUT_CLASS } from "@/web/components/ui/field";

const DEVICE_LABEL: Record<string, string> = { gpu: "Graphics card (GPU)" };

type Props = {
  asks: { permissions: AskedPermissions; ports: DeclaredPort[] };
  answer: PermissionAnswer;
  onChange: (a: PermissionAnswer) => void;
  /** Port problems by port name (portProblems). */
  problems?: Record<string, string>;
  idBase: string;
  disabled?: boolean;
};

/**
 * What an app asks for, each item approved or declined by the owner: the internet (all of it or named
 * hosts), the local network, devices, and each port with its reason and the port number on the PCC.
 * The permission prompt at install and the Permissions tab afterwards both use it.
 */
export function PermissionFields({ asks, answer, onChange, problems = {}, idBase, disabled }: Props) {
  const { permissions: p, ports } = asks;
  const set = (patch: Partial<PermissionAnswer>) => onChange({ ...answer, ...patch });
  const setPort = (name: string, patch: Partial<PermissionAnswer["ports"][string]>) =>
    onChange({ ...answer, ports: { ...answer.ports, [name]: { ...answer.ports[name]!, ...patch } } });

  return (
    <div className="space-y-5">
      <fieldset>
        <legend className="text-sm font-semibold text-fg">Access beyond its sandbox</legend>
        <div className="mt-2 divide-y divide-line rounded-xl bg-surface-2 px-4 ring-1 ring-line">
          <Row label="Internet" asked={p.internet !== false}>
            <Toggle
              testId="permission-internet"
              checked={answer.internet}
              disabled={disabled}
              onChange={(on) => set({ internet: on })}
              label="Internet"
              hint={p.internet === true ? "Reach any site on the internet." : `Reach ${internetAsk(p.internet).replace(/^Only /, "only ")}.`}
            />
          </Row>
          <Row label="Your local network" asked={p.lan}>
            <Toggle
              testId="permission-lan"
              checked={answer.lan}
              disabled={disabled}
              onChange={(on) => set({ lan: on })}
              label="Your local network"
              hint="Reach devices and private addresses on the network your PCC is in."
            />
          </Row>
          {p.devices.length === 0 ? (
            <Row label="Devices" asked={false} />
          ) : (
            p.devices.map((d) => (
              <div key={d} className="py-2">
                <Toggle
                  testId={`permission-device-${d}`}
                  checked={answer.devices.includes(d)}
                  disabled={disabled}
                  onChange={(on) => set({ devices: on ? [...answer.devices.filter((x) => x !== d), d] : answer.devices.filter((x) => x !== d) })}
                  label={DEVICE_LABEL[d] ?? d}
                  hint="Use this device of your PCC's machine."
                />
              </div>
            ))
          )}
        </div>
      </fieldset>

      <fieldset>
        <legend className="text-sm font-semibold text-fg">Ports on your PCC</legend>
        {ports.length === 0 ? (
          <p className="mt-1 text-sm text-fg-muted">None: it is reached only through its web address.</p>
        ) : (
          <ul className="mt-2 space-y-2">
            {ports.map((port) => {
              const a = answer.ports[port.name] ?? { open: false, hostPort: String(port.hostPort) };
              const inputId = `${idBase}-port-${port.name}`;
              const problem = problems[port.name];
              return (
                <li key={port.name} data-testid={`permission-port-${port.name}`} className="rounded-xl bg-surface-2 p-3 ring-1 ring-line sm:px-4">
                  <Toggle
                    testId={`permission-port-${port.name}-open`}
                    checked={a.open}
                    disabled={disabled}
                    onChange={(on) => setPort(port.name, { open: on })}
                    label={
                      <>
                        Open <span className="font-mono">{port.name}</span>
                      </>
                    }
                    hint={
                      <>
                        {port.description} <span className="whitespace-nowrap">({port.protocol.toUpperCase()} {port.containerPort} inside the app)</span>
                      </>
                    }
                  />
                  <div className="mt-2 flex flex-wrap items-center gap-x-3 gap-y-1 pl-8 sm:pl-7">
                    <label htmlFor={inputId} className="text-[13px] text-fg-muted">
                      Port on your PCC
                    </label>
                    <input
                      id={inputId}
                      data-testid={`permission-port-${port.name}-host`}
                      type="number"
                      inputMode="numeric"
                      min={1}
                      max={65535}
                      value={a.hostPort}
                      disabled={disabled || !a.open}
                      aria-invalid={problem ? true : undefined}
                      aria-describedby={describedBy(inputId, false, problem)}
                      onChange={(e) => setPort(port.name, { hostPort: e.target.value })}
                      className={`${INPUT_CLASS} w-28! font-mono`}
                    />
                    <span className="text-[13px] text-fg-muted">/{port.protocol}</span>
                  </div>
                  {problem && (
                    <p id={`${inputId}-error`} className="mt-1 pl-8 text-[13px] text-danger sm:pl-7">
                      {problem}
                    </p>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </fieldset>
    </div>
  );
}

/** One kind of access: its toggle when the app asks for it, else a plain "not asked for". */
function Row({ label, asked, children }: { label: string; asked: boolean; children?: React.ReactNode }) {
  if (asked) return <div className="py-2">{children}</div>;
  return (
    <div className="flex min-h-11 items-center justify-between gap-4 py-2 text-sm">
      <span className="text-fg">{label}</span>
      <span className="text-fg-muted">Not asked for</span>
    </div>
  );
}
