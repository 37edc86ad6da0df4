import { DomainError } from "../../errors";

/**
 * Registry and network errors as a sentence an owner understands; the technical detail follows in
 * parentheses for whoever reads the logs. "dial tcp: lookup registry-1.docker.io on 10.255.255.53:53:
 * no such host" becomes "PCC could not reach the registry that hosts this app (registry-1.docker.io).
 * Check the server's internet connection and DNS."
 */
export function pullError(ref: string, raw: string): DomainError {
  const registry = ref.split("/")[0] ?? ref;
  const detail = raw.trim().split("\n").pop()?.slice(0, 300) ?? "";
  const say = (sentence: string) => new DomainError("EXTERNAL_FAILURE", `${sentence} (${detail})`, { image: ref });
  if (/no such host|server misbehaving|lookup .* on .*:53/i.test(raw)) {
    return say(`PCC could not find the registry that hosts this app (${registry}). Check the server's internet connection and DNS.`);
  }
  if (/connection refused|no route to host|network is unreachable|i\/o timeout|timeout|TLS handshake/i.test(raw)) {
    return say(`PCC could not reach the registry that hosts this app (${registry}). It may be down, or the server may be offline.`);
  }
  if (/manifest unknown|not found|name unknown|404/i.test(raw)) {
    return say(`The registry ${registry} does not have this app's image (${ref}). The catalog entry may be out of date.`);
  }
  if (/unauthorized|authentication required|denied|403|401/i.test(raw)) {
    return say(`The registry ${registry} refused to hand out this app's image; it may have become private.`);
  }
  if (/toomanyrequests|rate limit|429/i.test(raw)) {
    return say(`The registry ${registry} is limiting downloads right now. PCC will be able to try again in a while.`);
  }
  if (/digest|checksum|manifest .* does not match/i.test(raw)) {
    return say(`The image the registry sent is not the one this app was published with (its digest differs), so PCC refused it.`);
  }
  if (/no space left|disk quota/i.test(raw)) {
    return say(`The server's disk is full: free some space, then install again.`);
  }
  return say(`Could not download ${ref}.`);
}
