import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Kparty } from '../../kparty.js';
import { fromVpToken, singlePresentation } from '../../verification/submission.js';
import { ProblemDto, VerificationSuccessDto } from '../dto.js';
import { requireValid } from '../request-validation.js';
import { KPARTY } from '../tokens.js';

@ApiTags('wallet')
@Controller('v1/presentations')
export class PresentationsController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /**
   * Verifies a presentation — or an OpenID4VP 1.0 `vpToken` of several
   * presentations answering one challenge — against a policy and, when every
   * check holds, returns the verified credentials and a session token. The
   * challenge named inside the presentations is consumed once, whatever the outcome.
   */
  @Post('verify')
  @HttpCode(200)
  @ApiBody({ schema: { $ref: '#/components/schemas/VerifyPresentationRequest' } })
  @ApiOkResponse({ type: VerificationSuccessDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`request.invalid`' })
  @ApiNotFoundResponse({ type: ProblemDto, description: '`policy.not_found`' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: '`presentation.rejected`; `errors` lists every failed check with its code and path' })
  @ApiTooManyRequestsResponse({ type: ProblemDto, description: '`rate_limited` (KPARTY_RATE_LIMIT, KPARTY_RATE_LIMIT_PER_POLICY); see `Retry-After`' })
  @ApiServiceUnavailableResponse({ type: ProblemDto, description: '`service.unavailable`: storage unreachable, or an accepted decision could not be audited; see `Retry-After`' })
  async verify(@Body() body: unknown, @Req() request: FastifyRequest): Promise<VerificationSuccessDto> {
    const { policy, presentation, vpToken } = requireValid<{ policy: string; presentation?: unknown; vpToken?: Record<string, unknown[]> }>(
      'verify-request',
      body,
    );
    const submission = vpToken !== undefined ? fromVpToken(vpToken) : singlePresentation(presentation);
    return this.kparty.signIn.signIn({ policyId: policy, submission, binding: { kind: 'challenge' }, requestId: String(request.id) });
  }
}
