import type { Clock } from '../../core/clock.js';
import { KpartyError } from '../../core/errors.js';
import type { ProofReplayCache } from '../../core/ports/proof-replay-cache.js';
import { DpopProofError, dpopReplayKey, verifyDpopProof, type DpopNonces, type DpopRequest, type VerifiedDpopProof } from '../../guard/dpop.js';

export interface DpopProofsOptions {
  /** KPARTY_DPOP_PROOF_WINDOW seconds: how old a proof may be, and how long its jti is remembered. */
  windowSeconds: number;
  /** KPARTY_CLOCK_SKEW seconds: how far in the future a proof's iat may be. */
  clockSkewSeconds: number;
  /** KPARTY_DPOP_NONCE: when set, proofs must carry a nonce these issued (RFC 9449 §8). */
  nonces?: DpopNonces;
  /** KPARTY_DPOP_MAX_PROOF_BYTES: longer DPoP headers are refused before parsing. */
  maxProofBytes?: number;
}

/** Where a proof is checked: the token endpoint answers RFC 9449 §5 errors, a protected resource §7.1 ones. */
export type DpopContext = 'token_endpoint' | 'resource';

/**
 * kparty's own DPoP proof checks (RFC 9449): the pure verification shared
 * with kparty/guard (src/guard/dpop.ts), plus the single use of each proof
 * per key across every replica (the ProofReplayCache: Redis when configured)
 * and, when KPARTY_DPOP_NONCE is on, server-provided nonces.
 */
export class DpopProofs {
  constructor(
    private readonly replay: ProofReplayCache,
    private readonly clock: Clock,
    private readonly options: DpopProofsOptions,
  ) {}

  /** The nonce to send as `DPoP-Nonce` now, when nonces are on. */
  currentNonce(): string | undefined {
    return this.options.nonces?.current(this.clock.now());
  }

  /**
   * Verifies the request's DPoP proof and records its single use.
   * @throws KpartyError `oauth.invalid_dpop_proof` / `oauth.use_dpop_nonce` (token endpoint) or
   *   `session.dpop_invalid` / `session.dpop_nonce` (resource)
   */
  async verify(
    header: string | readonly string[] | undefined,
    request: DpopRequest,
    context: DpopContext,
    expectations: { accessToken?: string; expectedJkt?: string } = {},
  ): Promise<VerifiedDpopProof> {
    const now = this.clock.now();
    const nonces = this.options.nonces;
    try {
      const proof = await verifyDpopProof(header, request, {
        now,
        maxAgeSeconds: this.options.windowSeconds,
        clockSkewSeconds: this.options.clockSkewSeconds,
        ...(this.options.maxProofBytes !== undefined ? { maxProofLength: this.options.maxProofBytes } : {}),
        ...expectations,
        ...(nonces ? { nonce: (value: string | undefined) => nonces.accepts(value, now) } : {}),
      });
      const until = (proof.iat + this.options.windowSeconds + this.options.clockSkewSeconds) * 1000 + 1000;
      if (!(await this.replay.firstUse(dpopReplayKey(proof), until, now))) {
        throw new DpopProofError('replayed', 'this DPoP proof was used before (jti)');
      }
      return proof;
    } catch (error) {
      if (!(error instanceof DpopProofError)) throw error;
      const nonce = error.reason === 'nonce';
      if (context === 'token_endpoint') {
        throw new KpartyError(nonce ? 'oauth.use_dpop_nonce' : 'oauth.invalid_dpop_proof', error.message, { cause: error });
      }
      throw new KpartyError(nonce ? 'session.dpop_nonce' : 'session.dpop_invalid', error.message, { cause: error });
    }
  }
}
