import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Kparty } from '../kparty.js';
import { AdminAuthGuard } from './admin-auth.guard.js';
import { AdminAuditController } from './controllers/admin-audit.controller.js';
import { AdminKeysController } from './controllers/admin-keys.controller.js';
import { AuthCheckController } from './controllers/auth-check.controller.js';
import { AdminPoliciesController } from './controllers/admin-policies.controller.js';
import { AdminRelyingPartiesController } from './controllers/admin-relying-parties.controller.js';
import { ChallengesController } from './controllers/challenges.controller.js';
import { PresentationsController } from './controllers/presentations.controller.js';
import { SessionsController } from './controllers/sessions.controller.js';
import { TokenController } from './controllers/token.controller.js';
import { HealthController } from './controllers/health.controller.js';
import { MetricsController } from './controllers/metrics.controller.js';
import { WellKnownController } from './controllers/well-known.controller.js';
import { Oid4vpAdminController } from './controllers/oid4vp-admin.controller.js';
import { Oid4vpPageController } from './controllers/oid4vp-page.controller.js';
import { Oid4vpRequestsController } from './controllers/oid4vp-requests.controller.js';
import { Oid4vpWalletController } from './controllers/oid4vp-wallet.controller.js';
import { VcApiController } from './controllers/vc-api.controller.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { KPARTY } from './tokens.js';

/** The HTTP delivery layer: controllers over the composed core. */
@Module({})
export class AppModule {
  static register(kparty: Kparty): DynamicModule {
    return {
      module: AppModule,
      controllers: [
        HealthController,
        MetricsController,
        WellKnownController,
        ChallengesController,
        PresentationsController,
        AdminRelyingPartiesController,
        AdminPoliciesController,
        AdminAuditController,
        SessionsController,
        TokenController,
        AuthCheckController,
        AdminKeysController,
        Oid4vpRequestsController,
        Oid4vpWalletController,
        Oid4vpPageController,
        Oid4vpAdminController,
        VcApiController,
      ],
      providers: [{ provide: KPARTY, useValue: kparty }, { provide: APP_FILTER, useClass: ProblemDetailsFilter }, AdminAuthGuard],
    };
  }
}
