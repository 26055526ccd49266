import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * Response shapes, for the OpenAPI description only. Request bodies are
 * described by the JSON Schemas in schemas/ (the source of truth for
 * validation), referenced from the document's components.
 */

export class ProblemEntryDto {
  @ApiProperty({ example: 'credential.signature_invalid' }) code!: string;
  @ApiPropertyOptional({ example: 'credentials[0]' }) path?: string;
  @ApiPropertyOptional() detail?: string;
}

export class ProblemDto {
  @ApiProperty({ example: 'urn:kparty:problem:policy.not_found' }) type!: string;
  @ApiProperty({ example: 'No such policy' }) title!: string;
  @ApiProperty({ example: 404 }) status!: number;
  @ApiProperty({ example: 'no policy "employee-portal"' }) detail!: string;
  @ApiProperty({ example: 'policy.not_found', description: 'Stable machine-readable code (docs/errors.md)' }) code!: string;
  @ApiPropertyOptional({ type: [ProblemEntryDto], description: 'Every failed check or violation' })
  errors?: ProblemEntryDto[];
  @ApiPropertyOptional({ description: 'Also in the X-Request-Id header and the logs' }) requestId?: string;
}

export class ChallengeDto {
  @ApiProperty({ description: 'Single-use nonce, 256 bits, base64url' }) challenge!: string;
  @ApiProperty({ description: 'The audience the presentation must name (`aud` / `proof.domain`)' }) domain!: string;
  @ApiProperty({ description: 'Policy id' }) policy!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ description: "The policy's DCQL query (OpenID4VP 1.0 §6)", type: 'object', additionalProperties: true })
  query!: object;
}

export class RelyingPartyCreatedDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Shown once; only its hash is stored' }) apiKey!: string;
}

export class StoredPolicyDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The presentation policy' })
  policy!: object;
  @ApiProperty({ description: 'Relying-party id, or "@operator" for policy files and operator policies' }) owner!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class PolicyListDto {
  @ApiProperty({ type: [StoredPolicyDto] }) policies!: StoredPolicyDto[];
}

export class JwksDto {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  keys!: object[];
}

export class StatusDto {
  @ApiProperty({ example: 'ok' }) status!: string;
}
