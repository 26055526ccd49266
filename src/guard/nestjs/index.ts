/**
 * kparty/guard/nestjs — the NestJS face of the guard: `KpartyGuardModule`,
 * `KpartyGuard`, `@Scopes(...)` and `@KpartySession()`. Works on the Fastify
 * and Express adapters. The framework-free parts are in `kparty/guard`.
 */
export { KpartyGuard } from './kparty.guard.js';
export { KpartyGuardModule, type KpartyGuardModuleAsyncOptions } from './kparty-guard.module.js';
export { KpartySession, Scopes } from './decorators.js';
export { KPARTY_SCOPES, KPARTY_SESSION_GUARD } from './tokens.js';
