import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Kparty } from '../../kparty.js';
import { ChallengeDto, ProblemDto } from '../dto.js';
import { requireValid } from '../request-validation.js';
import { KPARTY } from '../tokens.js';

@ApiTags('wallet')
@Controller('v1/challenges')
export class ChallengesController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /** A fresh single-use nonce bound to a policy, with the policy's DCQL query. */
  @Post()
  @HttpCode(201)
  @ApiBody({ schema: { $ref: '#/components/schemas/ChallengeRequest' } })
  @ApiCreatedResponse({ type: ChallengeDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`request.invalid`' })
  @ApiNotFoundResponse({ type: ProblemDto, description: '`policy.not_found`' })
  @ApiTooManyRequestsResponse({ type: ProblemDto, description: '`rate_limited` (KPARTY_RATE_LIMIT, KPARTY_RATE_LIMIT_PER_POLICY); see `Retry-After`' })
  @ApiServiceUnavailableResponse({ type: ProblemDto, description: '`service.unavailable`: storage unreachable; see `Retry-After`' })
  async create(@Body() body: unknown): Promise<ChallengeDto> {
    const { policy } = requireValid<{ policy: string }>('challenge-request', body);
    return this.kparty.challenges.issue(policy);
  }
}
