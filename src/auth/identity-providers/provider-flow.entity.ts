import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../users/user.entity';

/**
 * Where a flow stands:
 * - `link`: made by `POST /auth/identities`; its secret is the linking URL's, until a browser opens it;
 * - `authorize`: sent to the provider; its secret is the `state`, and the browser holds the binding cookie;
 * - `exchange`: signed in (token mode); its secret is the one-time `#code` the app exchanges.
 */
export type ProviderFlowStage = 'link' | 'authorize' | 'exchange';
/** How the flow hands out the session: cookies, or a one-time code for the app's own PKCE verifier. */
export type ProviderFlowMode = 'cookie' | 'token';

/**
 * A sign-in (or a linking) through an external provider, kept server-side
 * so that any instance finishes it. Each stage has one secret, stored as its
 * SHA-256 only and replaced when the flow moves on, so every secret works
 * once; the flow lives 10 minutes, and 60 seconds once its code is issued.
 */
@Entity({ name: 'provider_flows' })
export class ProviderFlow {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Index('UQ_provider_flows_secret_hash', { unique: true })
  @Column({ name: 'secret_hash', type: 'binary', length: 32 })
  secretHash!: Buffer;

  @Column({ type: 'varchar', length: 10 })
  stage!: ProviderFlowStage;

  @Column({ type: 'varchar', length: 32 })
  provider!: string;

  @Column({ type: 'varchar', length: 10 })
  mode!: ProviderFlowMode;

  /** Where the browser goes at the end: an absolute URL on an allowed origin. */
  @Column({ name: 'redirect_to', type: 'varchar', length: 2048 })
  redirectTo!: string;

  /** The SHA-256 of the cookie that binds the flow to the browser that started it (stage `authorize`). */
  @Column({ name: 'binding_hash', type: 'binary', length: 32, nullable: true })
  bindingHash!: Buffer | null;

  /** This service's PKCE verifier and OpenID Connect nonce towards the provider (stage `authorize`). */
  @Column({ name: 'code_verifier', type: 'varchar', length: 128, nullable: true })
  codeVerifier!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  nonce!: string | null;

  /** Token mode: the S256 challenge of the app's own verifier, which the one-time code needs. */
  @Column({ name: 'app_code_challenge', type: 'char', length: 43, nullable: true })
  appCodeChallenge!: string | null;

  /**
   * The account the flow links an identity to (a linking flow), or, at stage
   * `exchange`, the account it signed in.
   */
  @Column({ name: 'user_id', type: 'int', unsigned: true, nullable: true })
  userId!: number | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_provider_flows_user' })
  user?: User;

  /** Whether the flow links an identity to `user_id` rather than signing in. */
  @Column({ type: 'boolean', default: false })
  linking!: boolean;

  /** Stage `exchange`: the user's security stamp at the sign-in; a change since refuses the code. */
  @Column({ name: 'credential_version', type: 'int', unsigned: true, nullable: true })
  credentialVersion!: number | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 6 })
  createdAt!: Date;

  @Index('IDX_provider_flows_expires_at')
  @Column({ name: 'expires_at', type: 'datetime', precision: 6 })
  expiresAt!: Date;
}
