import { Module, type DynamicModule, type FactoryProvider, type ModuleMetadata } from '@nestjs/common';
import { createSessionGuard, type SessionGuardOptions } from '../session-guard.js';
import { KpartyGuard } from './kparty.guard.js';
import { KPARTY_SESSION_GUARD } from './tokens.js';

export interface KpartyGuardModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (...args: never[]) => SessionGuardOptions | Promise<SessionGuardOptions>;
  inject?: FactoryProvider['inject'];
}

/**
 * Provides `KpartyGuard` (global by default, so any controller can use it).
 * Options are checked when the module is built: a wrong issuer or scope stops start-up.
 */
@Module({})
export class KpartyGuardModule {
  static forRoot(options: SessionGuardOptions, module: { global?: boolean } = {}): DynamicModule {
    return {
      module: KpartyGuardModule,
      global: module.global ?? true,
      providers: [{ provide: KPARTY_SESSION_GUARD, useValue: createSessionGuard(options) }, KpartyGuard],
      exports: [KPARTY_SESSION_GUARD, KpartyGuard],
    };
  }

  /** Options from other providers, e.g. a configuration service. */
  static forRootAsync(options: KpartyGuardModuleAsyncOptions, module: { global?: boolean } = {}): DynamicModule {
    return {
      module: KpartyGuardModule,
      global: module.global ?? true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: KPARTY_SESSION_GUARD,
          useFactory: async (...args: never[]) => createSessionGuard(await options.useFactory(...args)),
          inject: options.inject ?? [],
        },
        KpartyGuard,
      ],
      exports: [KPARTY_SESSION_GUARD, KpartyGuard],
    };
  }
}
