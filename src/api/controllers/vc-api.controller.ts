import { Body, Controller, HttpCode, Inject, Injectable, Post, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiProperty, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { KpartyError } from '../../core/errors.js';
import type { Kparty } from '../../kparty.js';
import type { VcApiOptions, VcApiVerification } from '../../vc-api/vc-api-verifier.js';
import { ProblemDto } from '../dto.js';
import { requireValid } from '../request-validation.js';
import { KPARTY } from '../tokens.js';

/** An API key (operator or relying party), unless the operator opened the endpoints with KPARTY_VC_API_PUBLIC=true. */
@Injectable()
export class VcApiAuthGuard implements CanActivate {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.kparty.config.vcApiPublic) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const match = /^Bearer ([\x21-\x7e]+)$/.exec(request.headers.authorization ?? '');
    if (!match?.[1])
      throw new KpartyError('auth.unauthorized', 'send an API key as "Authorization: Bearer <key>" (or the operator sets KPARTY_VC_API_PUBLIC=true)');
    if (!(await this.kparty.authenticator.authenticate(match[1]))) throw new KpartyError('auth.unauthorized', 'the API key is not valid');
    return true;
  }
}

class VcApiCredentialOutcomeDto {
  @ApiProperty({ example: 'ldp_vc' }) format!: string;
  @ApiProperty({ example: 'did:key:z6Mk…' }) issuer!: string;
  @ApiProperty({ type: [String], example: ['VerifiableCredential'] }) type!: string[];
  @ApiProperty({ description: '`valid`, `stale`, `unavailable`, `unchecked` or `none` (as in POST /v1/presentations/verify)', example: 'none' })
  status!: string;
}

export class VcApiVerificationDto {
  @ApiProperty({ example: true }) verified!: true;
  @ApiProperty({ type: [String], description: 'The checks that ran', example: ['proof', 'validity', 'status', 'challenge', 'domain'] }) checks!: string[];
  @ApiProperty({ type: [String], example: [] }) warnings!: string[];
  @ApiProperty({ type: [String], example: [] }) errors!: string[];
  @ApiProperty({ type: [VcApiCredentialOutcomeDto] }) credentials!: VcApiCredentialOutcomeDto[];
}

/**
 * The W3C VC API verifier endpoints (VC API "Verifying"), mounted apart from
 * kparty's own API under /v1/vc-api: verification only (no policy, no
 * session token), over the same verification pipeline. docs/api.md "W3C VC API verifier".
 */
@ApiTags('W3C VC API')
@Controller('v1/vc-api')
@UseGuards(VcApiAuthGuard)
export class VcApiController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /** Verifies a credential: its Data Integrity proof (issuer's assertionMethod key), validity period and status. */
  @Post('credentials/verify')
  @HttpCode(200)
  @ApiBody({ schema: { $ref: '#/components/schemas/VcApiVerifyCredentialRequest' } })
  @ApiOkResponse({ type: VcApiVerificationDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`request.invalid`' })
  @ApiUnauthorizedResponse({ type: ProblemDto, description: '`auth.unauthorized` (no valid API key and KPARTY_VC_API_PUBLIC is not true)' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: '`credential.rejected`; `errors` lists every failed check with its code and path' })
  async verifyCredential(@Body() body: unknown): Promise<VcApiVerification> {
    const { verifiableCredential } = requireValid<{ verifiableCredential: unknown }>('vc-api-verify-credential-request', body);
    return this.kparty.vcApi.verifyCredential(verifiableCredential);
  }

  /** Verifies a presentation: the holder's proof (challenge, domain) and each credential's proof, validity and status. */
  @Post('presentations/verify')
  @HttpCode(200)
  @ApiBody({ schema: { $ref: '#/components/schemas/VcApiVerifyPresentationRequest' } })
  @ApiOkResponse({ type: VcApiVerificationDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`request.invalid`' })
  @ApiUnauthorizedResponse({ type: ProblemDto, description: '`auth.unauthorized` (no valid API key and KPARTY_VC_API_PUBLIC is not true)' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: '`presentation.rejected`; `errors` lists every failed check with its code and path' })
  async verifyPresentation(@Body() body: unknown): Promise<VcApiVerification> {
    const { verifiablePresentation, options } = requireValid<{ verifiablePresentation: unknown; options?: VcApiOptions }>(
      'vc-api-verify-presentation-request',
      body,
    );
    return this.kparty.vcApi.verifyPresentation(verifiablePresentation, {
      ...(typeof options?.challenge === 'string' ? { challenge: options.challenge } : {}),
      ...(typeof options?.domain === 'string' ? { domain: options.domain } : {}),
    });
  }
}
