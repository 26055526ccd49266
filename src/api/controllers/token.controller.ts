import { Body, Controller, Header, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConsumes, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Kparty } from '../../kparty.js';
import type { TokenExchangeRequest, TokenExchangeResponse } from '../../signin/token-exchange.js';
import { OAuthErrorDto, TokenExchangeResponseDto } from '../dto.js';
import { requireValid } from '../request-validation.js';
import { KPARTY } from '../tokens.js';

@ApiTags('session tokens')
@Controller('v1/token')
export class TokenController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /**
   * RFC 8693 token exchange: a presentation (`subject_token`) for a session
   * token, verified exactly as by `POST /v1/presentations/verify` (get a
   * challenge first). No client authentication: the presentation is the proof.
   */
  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ schema: { $ref: '#/components/schemas/TokenExchangeRequest' } })
  @ApiOkResponse({ type: TokenExchangeResponseDto })
  @ApiBadRequestResponse({
    type: OAuthErrorDto,
    description:
      '`invalid_request` (`request.invalid`), `unsupported_grant_type` (`oauth.unsupported_grant_type`), ' +
      '`invalid_target` (`oauth.invalid_target`: no single policy for the policy/audience/resource), ' +
      '`invalid_grant` (`presentation.rejected`: `errors` lists every failed check)',
  })
  async exchange(@Body() body: unknown, @Req() request: FastifyRequest): Promise<TokenExchangeResponse> {
    const parameters = requireValid<TokenExchangeRequest>('token-request', body ?? {});
    return this.kparty.tokenExchange.exchange(parameters, String(request.id));
  }
}
