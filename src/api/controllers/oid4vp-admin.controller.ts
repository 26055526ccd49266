import { Controller, Header, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Kparty } from '../../kparty.js';
import { AdminAuthGuard, OperatorOnly } from '../admin-auth.guard.js';
import { ProblemDto } from '../dto.js';
import { KPARTY } from '../tokens.js';

/** kparty's own did:web request-signing key (OpenID4VP `decentralized_identifier`), operator only. */
@ApiTags('operations')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ProblemDto })
@ApiForbiddenResponse({ type: ProblemDto, description: 'a relying-party key' })
@Controller('v1/admin/oid4vp/keys')
@UseGuards(AdminAuthGuard)
@OperatorOnly()
export class Oid4vpAdminController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /**
   * Starts a new request-signing key generation for kparty's did:web. The
   * previous key stays in /.well-known/did.json, so request objects already
   * handed out still verify; every replica signs with the new key within 30 s.
   */
  @Post('rotate')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "Rotate kparty's did:web request-signing key",
    description: 'Operator key only. A new key signs OpenID4VP request objects (decentralized_identifier); the previous one stays in /.well-known/did.json.',
  })
  @ApiOkResponse({
    schema: { type: 'object', properties: { kid: { type: 'string', description: 'the new verification method (DID URL)' } } },
    example: { kid: 'did:web:kparty.example.com#sPn1xRvU0n4xYG7jm2Zq0a4l4oCPBpKp0m7wH3p6m0U' },
  })
  async rotate(): Promise<{ kid: string }> {
    const key = await this.kparty.oid4vpDidKeys.rotate();
    return { kid: key.verificationMethodId };
  }
}
