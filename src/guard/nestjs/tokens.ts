/** Injection token of the `SessionGuard` that `KpartyGuardModule` provides. */
export const KPARTY_SESSION_GUARD = Symbol('kparty:session-guard');

/** Reflector metadata key of `@Scopes(...)`. */
export const KPARTY_SCOPES = 'kparty:scopes';
