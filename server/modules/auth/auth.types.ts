export type Session = {
  id: string;
  ownerId: string;
  createdAt: Date;
  expiresAt: Date;
  /** When the owner last proved presence (setup code now, passkey later). */
  verifiedAt: Date;
};

export type AuthState = { claimed: boolean; signedIn: boolean };
