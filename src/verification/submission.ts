/**
 * The unit of verification: a submission of N presentations answering one
 * challenge (docs/api.md "Verifying a presentation"; OpenID4VP 1.0 §8.1: a
 * `vp_token` holds one or more presentations per DCQL credential query).
 */

/** One presentation of a submission. */
export interface SubmittedPresentation {
  /** The DCQL credential query id it answers (the OpenID4VP `vp_token` key), if the wallet said. */
  queryId?: string;
  /** The presentation as received: a compact string or a JSON object, recognised by the format handlers. */
  input: unknown;
}

export interface Submission {
  presentations: SubmittedPresentation[];
}

/** What every presentation of a submission must be bound to (supplied by the door, not read from the input). */
export type SubmissionBinding =
  // POST /v1/presentations/verify, POST /v1/token: the nonce is read from inside the presentations (all must carry the same),
  // consumed ONCE from the NonceStore; the expected audience is the challenge's `domain`.
  | { kind: 'challenge' }
  // OpenID4VP 1.0: the request's nonce (its single use is enforced by the request's state transition in src/oid4vp),
  // audience = the full client_id; mdoc SessionTranscript inputs (OpenID4VP 1.0 Appendix B.2.6.1).
  | { kind: 'oid4vp'; nonce: string; clientId: string; responseUri: string; responseEncryptionJwkThumbprint?: Uint8Array };

/** Most presentations one submission may hold: each costs parsing, DID resolution and signature checks. */
export const MAX_PRESENTATIONS_PER_SUBMISSION = 20;

/** A submission of the single `presentation` of POST /v1/presentations/verify or the `subject_token` of POST /v1/token. */
export function singlePresentation(input: unknown): Submission {
  return { presentations: [{ input }] };
}

/** A submission of an OpenID4VP 1.0 `vp_token` object: `{ "<query id>": [presentation, …] }`, in key order. */
export function fromVpToken(vpToken: Readonly<Record<string, readonly unknown[]>>): Submission {
  const presentations: SubmittedPresentation[] = [];
  for (const [queryId, inputs] of Object.entries(vpToken)) {
    for (const input of inputs) presentations.push({ queryId, input });
  }
  return { presentations };
}

/** Where failures about submitted presentation `index` are reported, and where its credentials are. */
export function submissionPaths(submission: Submission): Array<{ path: string; credentialPath(index: number): string }> {
  const { presentations } = submission;
  const perQuery = new Map<string, number>();
  return presentations.map((presentation, index) => {
    if (presentation.queryId === undefined) {
      // One presentation, as `presentation`: the paths kparty has always reported.
      if (presentations.length === 1) return { path: 'presentation', credentialPath: (i: number) => `credentials[${i}]` };
      const path = `presentations[${index}]`;
      return { path, credentialPath: (i: number) => `${path}.credentials[${i}]` };
    }
    const position = perQuery.get(presentation.queryId) ?? 0;
    perQuery.set(presentation.queryId, position + 1);
    const key = /^[A-Za-z0-9_-]+$/.test(presentation.queryId) ? `.${presentation.queryId}` : `[${JSON.stringify(presentation.queryId.slice(0, 64))}]`;
    const path = `vpToken${key}[${position}]`;
    return { path, credentialPath: (i: number) => `${path}.credentials[${i}]` };
  });
}
