import { Controller, Get, Header, Inject, Post, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Kparty } from '../../kparty.js';
import { describeSigningKeys } from '../../session/signing-key-states.js';
import { AdminAuthGuard, OperatorOnly } from '../admin-auth.guard.js';
import { KeyRotationDto, ProblemDto, SigningKeyListDto } from '../dto.js';
import { requireValid } from '../request-validation.js';
import { KPARTY } from '../tokens.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** The session-signing keys: rotation and their states (operator only). */
@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ProblemDto })
@ApiForbiddenResponse({ type: ProblemDto, description: 'a relying-party key' })
@Controller('v1/admin/keys')
@UseGuards(AdminAuthGuard)
@OperatorOnly()
export class AdminKeysController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /** Every published session-signing key and its state; no key material. */
  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: SigningKeyListDto })
  async list(): Promise<SigningKeyListDto> {
    const now = this.kparty.clock.now();
    const keys = describeSigningKeys(await this.kparty.storage.signingKeys.list(now), now);
    return {
      keys: keys.map((k) => ({
        kid: k.kid,
        alg: k.alg,
        state: k.state,
        createdAt: iso(k.createdAt),
        activatesAt: iso(k.activatesAt),
        ...(k.retiredAt === null ? {} : { retiredAt: iso(k.retiredAt) }),
        ...(k.expiresAt === null ? {} : { expiresAt: iso(k.expiresAt) }),
      })),
    };
  }

  /**
   * Rotates the session-signing key without breaking live tokens: the new key
   * is published now and signs after KPARTY_KEY_ROTATION_LEAD seconds; the old
   * one stays in the JWKS until its tokens have expired. 201 with the new key;
   * 200 with the pending key when a rotation is already under way.
   * `?immediate=true` signs with the new key at once (emergencies): verifiers
   * holding a cached JWKS refuse new tokens until they refetch it.
   */
  @Post('rotate')
  @Header('Cache-Control', 'no-store')
  @ApiQuery({ name: 'immediate', required: false, schema: { type: 'string', enum: ['true', 'false'], default: 'false' } })
  @ApiCreatedResponse({ type: KeyRotationDto, description: 'rotated' })
  @ApiOkResponse({ type: KeyRotationDto, description: 'a rotation was already pending: its key' })
  @ApiBadRequestResponse({ type: ProblemDto, description: '`request.invalid`: an unknown or malformed query parameter' })
  async rotate(@Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<KeyRotationDto> {
    const { immediate } = requireValid<{ immediate?: 'true' | 'false' }>('key-rotation-query', query ?? {});
    const outcome = await this.kparty.keyRotation.rotate({ immediate: immediate === 'true' });
    void reply.status(outcome.created ? 201 : 200);
    return { kid: outcome.kid, activatesAt: iso(outcome.activatesAt), created: outcome.created };
  }
}
