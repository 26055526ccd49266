import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Kparty } from '../../kparty.js';
import { KPARTY } from '../tokens.js';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(KPARTY) private readonly kparty: Kparty) {}

  /**
   * Prometheus text exposition: process metrics, HTTP request durations by
   * route template and status, verification decisions and failed check codes.
   * Unauthenticated, like /healthz: expose it only on the internal network
   * (docs/operations.md).
   */
  @Get()
  @ApiOkResponse({ description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } })
  async metrics(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { contentType, body } = await this.kparty.metrics.scrape();
    void reply.header('Content-Type', contentType).header('Cache-Control', 'no-store');
    return body;
  }
}
