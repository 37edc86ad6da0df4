import type { ReactNode } from "react";
import { PccLogo } from "@/web/components/ui/pcc-logo";

/** Where the PCC server serves the root certificate of its own certificate authority. */
export const ROOT_CERT_URL = "/_pcc/root.crt";
const FILE = "pcc-root.crt";

const SYSTEMS = [
  { id: "ios", name: "iPhone and iPad" },
  { id: "android", name: "Android" },
  { id: "macos", name: "Mac" },
  { id: "windows", name: "Windows" },
  { id: "linux", name: "Linux" },
  { id: "firefox", name: "Firefox" },
];

/**
 * How to make a device trust the PCC's certificate authority, per system. A server component with
 * no script of its own: it must work on a device that is still fighting certificate warnings.
 */
export function TrustGuide() {
  return (
    <main data-testid="trust-guide" className="min-h-full bg-surface text-fg">
      <div className="mx-auto max-w-2xl px-5 py-8 sm:py-12">
        <a href="/" className="inline-flex items-center gap-2.5 rounded-lg text-sm font-semibold text-fg focus-visible:outline-2 focus-visible:outline-indigo-500">
          <PccLogo className="size-8" />
          Back to your PCC
        </a>
        <h1 className="mt-6 text-3xl font-semibold tracking-tight">Trust your PCC on this device</h1>
        <p className="mt-3 text-fg-muted">
          Your PCC serves its shell and every app over HTTPS, with certificates from a certificate authority it created for itself. Its
          names are private to you, so no public authority can vouch for them. Until a device trusts your PCC&apos;s own authority, browsers
          warn about the shell and refuse to show apps inside it.
        </p>

        <div className="mt-6 rounded-2xl bg-surface-2 p-5 ring-1 ring-line">
          <a
            href={ROOT_CERT_URL}
            download={FILE}
            data-testid="root-cert-download"
            className="inline-flex h-11 items-center rounded-full bg-indigo-600 px-5 text-sm font-semibold text-white hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
          >
            Download the root certificate
          </a>
          <p className="mt-3 text-sm text-fg-muted">
            Check it before you install it. On the PCC&apos;s machine, as root, print its fingerprint and compare it with the SHA-256
            fingerprint your device shows for the downloaded file:
          </p>
          <Code>openssl x509 -noout -fingerprint -sha256 -in &quot;$PCC_DATA_DIR/caddy/pki/authorities/local/root.crt&quot;</Code>
          <p className="mt-3 text-sm text-fg-muted">
            Trusting it means this device accepts any certificate your PCC&apos;s authority signs. Its private key stays in the PCC&apos;s data
            directory, readable only by root on that machine. Install it only on devices you use with your PCC; you can remove it the same
            way you added it.
          </p>
        </div>

        <nav aria-label="Systems" className="mt-8">
          <ul className="flex flex-wrap gap-2">
            {SYSTEMS.map((s) => (
              <li key={s.id}>
                <a href={`#${s.id}`} className="inline-flex min-h-11 items-center rounded-full bg-surface-2 px-4 text-sm font-medium text-fg ring-1 ring-line hover:bg-surface-3 sm:min-h-9">
                  {s.name}
                </a>
              </li>
            ))}
          </ul>
        </nav>

        <Section id="ios" title="iPhone and iPad">
          <Steps>
            <li>Open this page in Safari, tap Download the root certificate, and allow the download of a configuration profile.</li>
            <li>
              Open <Path>Settings → General → VPN &amp; Device Management</Path> (on older versions: Profiles), tap the profile named
              “Caddy Local Authority”, then Install.
            </li>
            <li>
              Open <Path>Settings → General → About → Certificate Trust Settings</Path> and turn on full trust for “Caddy Local Authority”.
              Without this last step Safari still warns.
            </li>
          </Steps>
        </Section>

        <Section id="android" title="Android">
          <Steps>
            <li>Tap Download the root certificate.</li>
            <li>
              Open Settings and search for “CA certificate”. On most phones it is under{" "}
              <Path>Security &amp; privacy → More security settings → Encryption &amp; credentials → Install a certificate → CA certificate</Path>.
            </li>
            <li>Tap Install anyway and choose the downloaded {FILE}.</li>
          </Steps>
          <p className="mt-2 text-sm text-fg-muted">Chrome trusts it at once; a few apps only ever trust the system&apos;s built-in authorities.</p>
        </Section>

        <Section id="macos" title="Mac">
          <Steps>
            <li>Download the certificate and double-click it. Keychain Access opens: add it to the System keychain.</li>
            <li>
              In Keychain Access, double-click “Caddy Local Authority”, open Trust and set <Path>When using this certificate</Path> to Always
              Trust. Close the window and enter your password.
            </li>
          </Steps>
          <p className="mt-2 text-sm text-fg-muted">Or in Terminal:</p>
          <Code>sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ~/Downloads/{FILE}</Code>
        </Section>

        <Section id="windows" title="Windows">
          <Steps>
            <li>Download the certificate, double-click it and choose Install Certificate….</li>
            <li>
              Choose Current User, then <Path>Place all certificates in the following store → Browse → Trusted Root Certification Authorities</Path>
              , Finish, and confirm the security warning with Yes.
            </li>
          </Steps>
          <p className="mt-2 text-sm text-fg-muted">Or in PowerShell run as administrator (for every user of the computer):</p>
          <Code>Import-Certificate -FilePath &quot;$env:USERPROFILE\Downloads\{FILE}&quot; -CertStoreLocation Cert:\LocalMachine\Root</Code>
        </Section>

        <Section id="linux" title="Linux">
          <p className="text-sm text-fg-muted">Debian and Ubuntu:</p>
          <Code>sudo cp {FILE} /usr/local/share/ca-certificates/ &amp;&amp; sudo update-ca-certificates</Code>
          <p className="mt-3 text-sm text-fg-muted">Fedora:</p>
          <Code>sudo cp {FILE} /etc/pki/ca-trust/source/anchors/ &amp;&amp; sudo update-ca-trust</Code>
          <p className="mt-3 text-sm text-fg-muted">
            Chrome and Chromium on Linux keep their own list: import it in <Path>Settings → Privacy and security → Security → Manage certificates → Authorities</Path>, or
            with certutil (package libnss3-tools):
          </p>
          <Code>certutil -d sql:$HOME/.pki/nssdb -A -t &quot;C,,&quot; -n &quot;PCC&quot; -i {FILE}</Code>
        </Section>

        <Section id="firefox" title="Firefox, on any computer">
          <p className="text-sm text-fg-muted">
            Firefox has its own list too: <Path>Settings → Privacy &amp; Security → Certificates → View Certificates → Authorities → Import…</Path>
            , choose the file and tick “Trust this CA to identify websites”.
          </p>
        </Section>

        <section aria-labelledby="then" className="mt-10 rounded-2xl bg-surface-2 p-5 ring-1 ring-line">
          <h2 id="then" className="text-lg font-semibold">
            Then
          </h2>
          <p className="mt-1 text-sm text-fg-muted">
            Restart the browser, come back to your PCC and reload. The warning is gone and apps open inside their windows.
          </p>
        </section>
      </div>
    </main>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="mt-10 scroll-mt-6">
      <h2 id={`${id}-title`} className="text-xl font-semibold">
        {title}
      </h2>
      <div className="mt-3">{children}</div>
    </section>
  );
}

function Steps({ children }: { children: ReactNode }) {
  return <ol className="list-decimal space-y-2 pl-5 text-sm text-fg marker:text-fg-subtle">{children}</ol>;
}

function Path({ children }: { children: ReactNode }) {
  return <span className="font-medium text-fg">{children}</span>;
}

function Code({ children }: { children: ReactNode }) {
  return (
    <pre tabIndex={0} className="mt-2 overflow-x-auto rounded-lg bg-slate-900 p-3 text-[12px] leading-relaxed text-slate-100 ring-1 ring-line">
      <code>{children}</code>
    </pre>
  );
}
