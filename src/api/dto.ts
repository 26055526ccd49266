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

export class RelyingPartyDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String], description: 'Audiences this relying party owns; its policies may use only these' }) audiences!: string[];
  @ApiProperty({ type: [String], description: 'Origins an OpenID4VP callbackUrl may name' }) callbackOrigins!: string[];
  @ApiProperty({ required: false }) logoUri?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ required: false, description: 'Only after `rotateApiKey`: the new key, shown once' }) apiKey?: string;
}

export class RelyingPartyListDto {
  @ApiProperty({ type: [RelyingPartyDto] }) relyingParties!: RelyingPartyDto[];
}

export class PolicyWarningDto {
  @ApiProperty({ description: 'JSON pointer into the policy', example: '/credentials/0/status' }) path!: string;
  @ApiProperty({ example: 'status is not checked: a revoked or suspended credential is accepted' }) detail!: string;
}

export class StoredPolicyDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The presentation policy' })
  policy!: object;
  @ApiPropertyOptional({
    type: [PolicyWarningDto],
    description: 'PUT only: what is accepted but suspicious (any issuer, status ignored, a local did:web host)',
  })
  warnings?: PolicyWarningDto[];
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

export class AuditEventDto {
  @ApiProperty({ description: 'Event id (a ULID: ordered by time); also a paging cursor', example: '01JH7Q4W5Z8X3V2K1M0N9P8R7S' })
  id!: string;
  @ApiProperty({ format: 'date-time', description: 'When the decision was made' }) time!: string;
  @ApiProperty({ description: 'Owner of the policy: the relying-party id, or "@operator"' }) owner!: string;
  @ApiProperty({ description: 'Policy id', example: 'employee-portal' }) policy!: string;
  @ApiProperty({ enum: ['accepted', 'rejected'] }) outcome!: 'accepted' | 'rejected';
  @ApiPropertyOptional({
    description: 'Holder DID, or RFC 9278 JWK thumbprint URI; on a rejection what the presentation claimed (possibly unverified)',
    example: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
  })
  holder?: string;
  @ApiProperty({ type: [String], description: 'Codes of every failed check; empty when accepted', example: ['credential.revoked'] })
  codes!: string[];
  @ApiPropertyOptional({ description: 'Presentation format', example: 'jwt_vp_json' }) format?: string;
  @ApiPropertyOptional({ type: [String], description: 'Issuer DIDs of the presented credentials' }) credentialIssuers?: string[];
  @ApiPropertyOptional({ description: 'Request id of the verification (X-Request-Id), to find its log lines' }) requestId?: string;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEventDto], description: 'Newest first' }) events!: AuditEventDto[];
  @ApiPropertyOptional({ description: 'Cursor of the next (older) page, for `before`; absent on the last page' }) next?: string;
}

export class StatusMessageDto {
  @ApiProperty({ description: "The status entry's `statusPurpose`", example: 'message' }) purpose!: string;
  @ApiProperty({ description: 'The status value, hexadecimal with 0x', example: '0x1' }) status!: string;
  @ApiProperty({ description: "The issuer's `statusMessage` for that value (meant for developers, per the W3C spec)", example: 'accepted' }) message!: string;
}

export class VerifiedCredentialDto {
  @ApiProperty({ enum: ['jwt_vc_json', 'vc+jwt', 'dc+sd-jwt', 'ldp_vc', 'mso_mdoc'] }) format!: string;
  @ApiProperty({ example: 'did:web:hr.example.com' }) issuer!: string;
  @ApiProperty({ type: [String], example: ['VerifiableCredential', 'EmployeeCredential'] }) type!: string[];
  @ApiPropertyOptional({ description: 'Subject DID' }) subject?: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The claims the policy asked for (its DCQL claims paths), or all of credentialSubject when it named none',
  })
  claims!: Record<string, unknown>;
  @ApiProperty({
    enum: ['valid', 'stale', 'unavailable', 'unchecked', 'none'],
    description:
      '`valid`: every status entry was checked against its status list. `stale`: checked, but a list was a cached copy past its freshness because its host could not be reached (policy `status: optional`, within KPARTY_STATUS_STALE_GRACE). `unavailable`: a status could not be learned and the policy says `status: optional`. `unchecked`: policy `status: ignore`. `none`: no status entry.',
  })
  status!: string;
  @ApiPropertyOptional({
    type: [StatusMessageDto],
    description: "Informational statuses (W3C `statusPurpose: message`) with the issuer's message; absent when there are none",
  })
  statusMessages?: StatusMessageDto[];
}

export class SessionDto {
  @ApiProperty({ description: 'RFC 9068 JWT access token (typ at+jwt), verifiable with /.well-known/jwks.json' }) token!: string;
  @ApiProperty({ example: 'Bearer', enum: ['Bearer', 'DPoP'], description: '`DPoP` when the token is bound to a DPoP key (`cnf.jkt`, RFC 9449)' }) tokenType!:
    'Bearer' | 'DPoP';
  @ApiProperty({ example: 300 }) expiresIn!: number;
  @ApiProperty({ example: 'orders:read' }) scope!: string;
  @ApiPropertyOptional({
    description:
      'Opaque refresh token (256 bits) when the policy sets `session.refresh` and the caller may refresh (an authenticated relying party, or a DPoP-bound session); see docs/sessions.md',
  })
  refreshToken?: string;
}

export class VerificationSuccessDto {
  @ApiProperty({ example: true }) verified!: true;
  @ApiProperty({ description: 'Holder DID' }) holder!: string;
  @ApiProperty({ type: [VerifiedCredentialDto] }) credentials!: VerifiedCredentialDto[];
  @ApiProperty({ type: SessionDto }) session!: SessionDto;
}

export class OAuthErrorDto {
  @ApiProperty({ description: 'RFC 6749 §5.2 error code', example: 'invalid_grant' }) error!: string;
  @ApiPropertyOptional({ example: 'the presentation was rejected: challenge.unknown' }) error_description?: string;
  @ApiProperty({ description: 'kparty problem code (docs/errors.md); the problem-details members follow', example: 'presentation.rejected' })
  code!: string;
  @ApiPropertyOptional({ type: [ProblemEntryDto], description: 'Every failed check (invalid_grant) or violation (invalid_request)' })
  errors?: ProblemEntryDto[];
}

export class IntrospectionDto {
  @ApiProperty({ description: 'false for anything that is not a valid, unrevoked session token of the caller; then no other member is present' })
  active!: boolean;
  @ApiPropertyOptional({ example: 'orders:read orders:write' }) scope?: string;
  @ApiPropertyOptional({ description: 'The relying party the session belongs to', example: 'orders' }) client_id?: string;
  @ApiPropertyOptional({ description: 'Holder DID (or RFC 9278 JWK thumbprint URI)' }) sub?: string;
  @ApiPropertyOptional({ description: "The policy's audience", example: 'https://orders.example.com' }) aud?: string;
  @ApiPropertyOptional({ description: 'KPARTY_ISSUER' }) iss?: string;
  @ApiPropertyOptional({ description: 'Seconds since the epoch' }) exp?: number;
  @ApiPropertyOptional({ description: 'Seconds since the epoch' }) iat?: number;
  @ApiPropertyOptional() jti?: string;
  @ApiPropertyOptional({ example: 'Bearer', description: '`Bearer`, `DPoP` (a DPoP-bound access token) or `refresh_token`' }) token_type?: string;
  @ApiPropertyOptional({ description: 'The policy the session was issued under', example: 'employee-portal' }) policy?: string;
  @ApiPropertyOptional({
    description: 'RFC 9449 §6.2: `{ "jkt": <thumbprint> }` of the key a DPoP-bound token is bound to',
    type: 'object',
    additionalProperties: true,
  })
  cnf?: { jkt: string };
}

export class RefreshTokenResponseDto {
  @ApiProperty({ description: 'A new session token: an RFC 9068 JWT access token' }) access_token!: string;
  @ApiProperty({ example: 'Bearer', enum: ['Bearer', 'DPoP'] }) token_type!: string;
  @ApiProperty({ example: 300, description: 'Seconds' }) expires_in!: number;
  @ApiProperty({ description: 'The NEW refresh token; the one presented is dead from now on (rotation, RFC 9700 §4.14.2)' }) refresh_token!: string;
  @ApiPropertyOptional({ example: 'orders:read' }) scope?: string;
}

export class SubjectRevocationDto {
  @ApiProperty({ description: 'How many active sessions (families) of the subject were ended', example: 2 }) revoked!: number;
}

export class TokenExchangeResponseDto {
  @ApiProperty({ description: 'The session token: an RFC 9068 JWT access token' }) access_token!: string;
  @ApiProperty({ example: 'urn:ietf:params:oauth:token-type:access_token' }) issued_token_type!: string;
  @ApiProperty({ example: 'Bearer' }) token_type!: string;
  @ApiProperty({ example: 300, description: 'Seconds' }) expires_in!: number;
  @ApiPropertyOptional({ example: 'orders:read', description: "The policy's scope (absent when it grants none)" }) scope?: string;
  @ApiPropertyOptional({ description: 'When the policy sets `session.refresh` and the caller may refresh (docs/sessions.md)' }) refresh_token?: string;
}

export class KeyRotationDto {
  @ApiProperty({ description: 'kid of the key that signs next (RFC 7638 thumbprint)' }) kid!: string;
  @ApiProperty({ format: 'date-time', description: 'When it starts signing' }) activatesAt!: string;
  @ApiProperty({ description: 'false: a rotation was already pending, and this is its key' }) created!: boolean;
}

export class SigningKeyDto {
  @ApiProperty() kid!: string;
  @ApiProperty({ example: 'ES256' }) alg!: string;
  @ApiProperty({ enum: ['pending', 'signing', 'retired'], description: 'pending: published, not signing yet; retired: published until its tokens expire' })
  state!: 'pending' | 'signing' | 'retired';
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) activatesAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) retiredAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When it leaves the JWKS' }) expiresAt?: string;
}

export class SigningKeyListDto {
  @ApiProperty({ type: [SigningKeyDto], description: 'Every published key, oldest first' }) keys!: SigningKeyDto[];
}

export class Oid4vpCreatedDto {
  @ApiProperty({ description: 'Request id (unguessable)' }) id!: string;
  @ApiProperty({
    description: 'openid4vp:// URI for the wallet (QR code content, "Open in wallet" link)',
    example: 'openid4vp://?client_id=decentralized_identifier%3Adid%3Aweb%3Akparty.example&request_uri=…',
  })
  requestUri!: string;
  @ApiProperty({ description: 'kparty-hosted page showing the QR code or the wallet link and the live status' }) pageUrl!: string;
  @ApiProperty({ description: 'The QR code as SVG' }) qrUrl!: string;
  @ApiProperty({ description: 'ISO 8601; KPARTY_OID4VP_REQUEST_TTL after creation' }) expiresAt!: string;
}

export class Oid4vpWalletErrorDto {
  @ApiProperty({ example: 'access_denied' }) error!: string;
  @ApiPropertyOptional() error_description?: string;
}

export class Oid4vpRequestViewDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'employee-portal' }) policy!: string;
  @ApiProperty({ enum: ['cross_device', 'same_device'] }) flow!: string;
  @ApiProperty({ enum: ['pending', 'fetched', 'verified', 'rejected', 'expired', 'cancelled'] }) status!: string;
  @ApiProperty({ description: 'ISO 8601' }) expiresAt!: string;
  @ApiPropertyOptional({ type: VerificationSuccessDto, description: 'Released once, then deleted; same_device: only with ?response_code=' })
  result?: VerificationSuccessDto;
  @ApiPropertyOptional({ type: [ProblemEntryDto], description: 'Why the request was rejected: every failed check' }) errors?: ProblemEntryDto[];
  @ApiPropertyOptional({ type: Oid4vpWalletErrorDto, description: "The wallet's error response (OpenID4VP 1.0 §8.5)" }) walletError?: Oid4vpWalletErrorDto;
}
