import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { authenticateClient } from '../../admin/client-authentication.js';
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
   * Optional `Authorization` (the relying party's key, Bearer or
   * client_secret_basic) makes the session a confidential client's, and a
   * `DPoP` proof binds it to a key (docs/sessions.md): both decide whether a
   * refresh token comes back.
   */
  @Post('verify')
  @HttpCode(200)
  @ApiBody({ schema: { $ref: '#/components/schemas/VerifyPresentationRequest' } })
  @ApiOkResponse({ type: VerificationSuccessDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`request.invalid`' })
  @ApiNotFoundResponse({ type: ProblemDto, description: '`policy.not_found`' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: '`presentation.rejected`; `errors` lists every failed check with its code and path' })
  @ApiTooManyRequestsResponse({ type: ProblemDto, description: '`rate_limited` (KPARTY_RATE_LIMIT, KPARTY_RATE_LIMIT_PER_POLICY); see `Retry-After`' })
  @ApiServiceUnavailableResponse({
    type: ProblemDto,
    description: '`service.unavailable`: storage unreachable, or an accepted decision could not be audited; see `Retry-After`',
  })
  @ApiHeader({
    name: 'Authorization',
    required: false,
    description: "Optional: the relying party's key (Bearer, or client_secret_basic): the session is then this client's",
  })
  @ApiHeader({
    name: 'DPoP',
    required: false,
    description: 'Optional RFC 9449 proof (htm POST, htu <issuer>/v1/presentations/verify): binds the session to its key',
  })
  async verify(@Body() body: unknown, @Req() request: FastifyRequest): Promise<VerificationSuccessDto> {
    const { policy, presentation, vpToken } = requireValid<{ policy: string; presentation?: unknown; vpToken?: Record<string, unknown[]> }>(
      'verify-request',
      body,
    );
    const submission = vpToken !== undefined ? fromVpToken(vpToken) : singlePresentation(presentation);
    const clientId = await authenticateClient(request.headers.authorization, this.kparty.authenticator);
    const dpopJkt =
      request.headers.dpop === undefined
        ? undefined
        : (
            await this.kparty.dpop.verify(
              request.headers.dpop,
              { method: 'POST', url: `${this.kparty.config.issuer}/v1/presentations/verify` },
              'token_endpoint',
            )
          ).jkt;
    return this.kparty.signIn.signIn({
      policyId: policy,
      submission,
      binding: { kind: 'challenge' },
      requestId: String(request.id),
      ...(clientId !== undefined ? { clientId } : {}),
      ...(dpopJkt !== undefined ? { dpopJkt } : {}),
    });
  }
}
