/** What the bench signs into each JWT, and the baseline reads back: the user as GET /users/me shows it. */
export interface BaselineClaims {
  sub: string;
  email: string;
  emailVerified: boolean;
  pendingEmail: string | null;
  mfaEnabled: boolean;
  role: 'user' | 'admin';
  createdAt: string;
}
