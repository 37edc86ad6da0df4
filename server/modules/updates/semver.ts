import semver from "semver";

/** Orders two app versions by semver (build metadata ignored); the spec's lint already requires semver. */
export function compareSemver(a: string, b: string): number {
  return semver.compare(a, b);
}
