/**
 * A credential submitted on its own, not inside a presentation — only the W3C
 * VC API `POST /credentials/verify` adapter (src/vc-api/) builds one. It is a
 * class instance, which no JSON request body can produce: a wallet cannot
 * pass a bare credential off as a presentation through kparty's own
 * endpoints. A format that reads it returns a presentation with no holder and
 * no holder proof; only the checks that concern credentials apply to it.
 */
export class StandaloneCredential {
  constructor(readonly credential: unknown) {}
}
