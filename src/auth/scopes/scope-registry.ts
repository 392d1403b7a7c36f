import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { DomainError } from '../../common/errors/domain-error';
import type { UserRole } from '../../users/user.entity';
import { REQUIRED_SCOPES_KEY, SCOPE_DESCRIPTIONS_KEY, type DescribedScope } from '../decorators/require-scopes.decorator';
import { BUILT_IN_SCOPES, mayHold, OFFLINE_ACCESS, SCOPE_TOKEN } from './scopes';

/** Longer than every scope of an application together can only be junk. */
const MAX_PARAMETER_LENGTH = 1000;

/**
 * The scopes of this application: the built-in ones and every one a route
 * declares with @RequireScopes, collected once at start-up (Nest's discovery
 * service), so that a module added tomorrow brings its scopes with it. Only
 * these are valid in a login's `scope`.
 */
@Injectable()
export class ScopeRegistry implements OnModuleInit {
  private readonly known = new Map<string, string>(Object.entries(BUILT_IN_SCOPES));
  private readonly described = new Map<string, string>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const { metatype } of this.discovery.getControllers()) {
      if (typeof metatype !== 'function') continue;
      const prototype = metatype.prototype as Record<string, unknown>;
      const handlers = this.scanner.getAllMethodNames(prototype).map((name) => prototype[name]);
      for (const target of [metatype, ...handlers]) {
        if (typeof target !== 'function') continue;
        for (const { scope, description } of this.reflector.get<DescribedScope[] | undefined>(SCOPE_DESCRIPTIONS_KEY, target) ?? []) {
          this.describe(scope, description, metatype.name);
        }
        for (const scope of this.reflector.get<string[] | undefined>(REQUIRED_SCOPES_KEY, target) ?? []) {
          if (!SCOPE_TOKEN.test(scope))
            throw new Error(`@RequireScopes('${scope}') on ${metatype.name}: a scope is 1-64 printable characters, no space, " or \\`);
          if (scope === OFFLINE_ACCESS)
            throw new Error(`@RequireScopes('${scope}') on ${metatype.name}: ${scope} asks for a refresh token, it is no scope`);
          if (!this.known.has(scope)) this.known.set(scope, `Declared by ${metatype.name}`);
        }
      }
    }
  }

  /** A scope's description wins over "Declared by", wherever the scope was met first; two different ones are a mistake. */
  private describe(scope: string, description: string, declaredBy: string): void {
    const known = this.described.get(scope);
    if (known !== undefined && known !== description)
      throw new Error(`@RequireScopes on ${declaredBy} describes '${scope}' otherwise than before: declare the scope once, as a constant`);
    if (BUILT_IN_SCOPES[scope] !== undefined) throw new Error(`@RequireScopes on ${declaredBy} describes the built-in scope '${scope}'`);
    this.described.set(scope, description);
    this.known.set(scope, description);
  }

  /** Every scope, with its description, for the API docs. */
  all(): ReadonlyMap<string, string> {
    return this.known;
  }

  /** Every scope a user of this role may hold: what a login that asks for none gets. */
  grantable(role: UserRole): string[] {
    return [...this.known.keys()].filter((scope) => mayHold(role, scope));
  }

  /**
   * The scopes a `scope` parameter names (space-separated, RFC 6749 §3.3):
   * null when it names none, 400 INVALID_SCOPE when one is unknown, repeated
   * or malformed. Whether the user may hold them is `assertGrantable`'s, after the password.
   */
  parse(parameter: string | null | undefined): string[] | null {
    // The validator lets an optional field through as null too.
    if (typeof parameter !== 'string' || parameter.trim() === '') return null;
    // Never echoed: the parameter is the client's text, control characters and all.
    if (parameter.length > MAX_PARAMETER_LENGTH) throw new DomainError('INVALID_SCOPE');
    const requested = parameter.split(' ').filter((scope) => scope !== '');
    const valid = requested.every((scope) => this.known.has(scope)) && new Set(requested).size === requested.length;
    if (!valid) throw new DomainError('INVALID_SCOPE');
    return requested;
  }

  /** What a token of this user gets: the requested scopes (400 INVALID_SCOPE if one is not theirs to hold), or all of theirs. */
  /**
   * A `scope` parameter of a login or a refresh: its scopes as `parse` reads
   * them, once `offline_access` (a request for a refresh token, not a scope)
   * is taken out.
   */
  parseRequest(parameter: string | null | undefined): { scopes: string[] | null; offlineAccess: boolean } {
    const names = typeof parameter === 'string' ? parameter.split(' ') : [];
    const offlineAccess = names.filter((name) => name === OFFLINE_ACCESS).length;
    if (offlineAccess > 1) throw new DomainError('INVALID_SCOPE');
    const scopes = offlineAccess ? names.filter((name) => name !== OFFLINE_ACCESS).join(' ') : parameter;
    return { scopes: this.parse(scopes), offlineAccess: offlineAccess === 1 };
  }

  grant(role: UserRole, requested: string[] | null): string[] {
    if (requested === null) return this.grantable(role);
    if (requested.some((scope) => !mayHold(role, scope))) throw new DomainError('INVALID_SCOPE', 'A scope asked for is not this account’s');
    return requested;
  }
}
