import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { KpartyError } from '../../core/errors.js';
import type { Kparty } from '../../kparty.js';
import { ProblemDto, StatusDto } from '../dto.js';
import { KPARTY } from '../tokens.js';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /** Process is alive. */
  @Get('healthz')
  @ApiOkResponse({ type: StatusDto })
  health(): StatusDto {
    return { status: 'ok' };
  }

  /** Storage answers. */
  @Get('readyz')
  @ApiOkResponse({ type: StatusDto })
  @ApiServiceUnavailableResponse({ type: ProblemDto })
  async ready(): Promise<StatusDto> {
    try {
      await this.kparty.storage.ping();
    } catch (cause) {
      throw new KpartyError('service.unavailable', 'storage is not reachable', { cause, retryAfter: 5 });
    }
    return { status: 'ready' };
  }
}
