/** The cookies oidc-provider sets on the shell's origin (server/modules/oidc). */
export const OIDC_COOKIES = {
  // __Host-: host-only on the shell's name, so no app (a sibling subdomain) can plant or overwrite them.
  session: "__Host-pcc_oidc_session",
  interaction: "__Host-pcc_oidc_interaction",
  // oidc-provider pins this one's path to the resume URL, which __Host- forbids; it is signed and names
  // one interaction, so a planted copy is refused.
  resume: "pcc_oidc_resume",
} as const;
/** Every cookie the provider sets on the shell's origin (with their signatures), for Caddy's allow list. */
export const OIDC_COOKIE_NAMES = Object.values(OIDC_COOKIES).flatMap((c) => [c, `${c}.sig`]);
