import type { Clock } from '../core/clock.js';
import { KpartyError, type ErrorEntry } from '../core/errors.js';
import type { RelyingParty, RelyingPartyChange } from '../core/model/relying-party.js';
import type { AudienceTaken, RelyingPartyStore } from '../core/ports/relying-party-store.js';
import { hashApiKey, randomToken } from '../core/secrets.js';

export interface CreatedRelyingParty {
  id: string;
  name: string;
  /** Shown once; only its hash is stored. */
  apiKey: string;
}

/** A relying party as the operator sees it (never its key hash). */
export interface RelyingPartyView {
  id: string;
  name: string;
  audiences: string[];
  callbackOrigins: string[];
  logoUri?: string;
  createdAt: string;
  /** Only in the answer to a PATCH with `rotateApiKey: true`: the new key, shown once. */
  apiKey?: string;
}

export interface RelyingPartyInput {
  id: string;
  name: string;
  audiences: string[];
  callbackOrigins?: string[];
  logoUri?: string;
}

export interface RelyingPartyPatch {
  name?: string;
  audiences?: string[];
  callbackOrigins?: string[];
  logoUri?: string | null;
  rotateApiKey?: true;
}

/** Who else uses an audience: answers which policies (and whose) name it, so changes that would break ownership are refused. */
export interface AudienceUsage {
  /** Owners (relying-party id or `@operator`) of the policies whose audience is `audience`. */
  ownersUsing(audience: string): Promise<Set<string>>;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An https origin, or http for a loopback host outside production (development
 * callbacks on the same machine). The value must already be the origin: no
 * path, query, user info or default port.
 */
function originViolation(value: string, production: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.origin !== value) return `must be written as the origin "${url.origin}" (scheme, host and port only)`;
  return schemeViolation(url, production);
}

function schemeViolation(url: URL, production: boolean): string | undefined {
  if (url.username || url.password) return 'must not carry user info';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) && !production) return undefined;
  return production ? 'must use https' : 'must use https (http only for localhost, 127.0.0.1 or [::1])';
}

function logoViolation(value: string, production: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  return schemeViolation(url, production);
}

/** The semantic checks JSON Schema cannot say: origins are origins, URLs are https. */
function checkUrls(input: { callbackOrigins?: string[]; logoUri?: string | null }, production: boolean): void {
  const errors: ErrorEntry[] = [];
  input.callbackOrigins?.forEach((origin, index) => {
    const problem = originViolation(origin, production);
    if (problem) errors.push({ code: 'request.invalid', path: `/callbackOrigins/${index}`, detail: problem });
  });
  if (typeof input.logoUri === 'string') {
    const problem = logoViolation(input.logoUri, production);
    if (problem) errors.push({ code: 'request.invalid', path: '/logoUri', detail: problem });
  }
  if (errors.length > 0) throw new KpartyError('request.invalid', `the request body has ${errors.length} violation(s)`, { errors });
}

function audienceTaken(taken: AudienceTaken | { audience: string; holder: string }): KpartyError {
  const holder = taken.holder === '@operator' ? "the operator's policies" : `relying party "${taken.holder}"`;
  return new KpartyError('relying_party.audience_taken', `audience "${taken.audience}" belongs to ${holder}`);
}

export function viewOf(rp: RelyingParty): RelyingPartyView {
  return {
    id: rp.id,
    name: rp.name,
    audiences: rp.audiences,
    callbackOrigins: rp.callbackOrigins,
    ...(rp.logoUri !== undefined ? { logoUri: rp.logoUri } : {}),
    createdAt: new Date(rp.createdAt).toISOString(),
  };
}

/** The operator's use cases on relying parties (docs/api.md, "Relying parties"). */
export class RelyingPartyAdmin {
  constructor(
    private readonly store: RelyingPartyStore,
    private readonly usage: AudienceUsage,
    private readonly clock: Clock,
    private readonly options: { production: boolean },
  ) {}

  /** Registers a relying party with its audiences and hands out its API key. */
  async create(input: RelyingPartyInput): Promise<CreatedRelyingParty> {
    checkUrls(input, this.options.production);
    await this.refuseOperatorAudiences(input.id, input.audiences);
    const apiKey = newApiKey();
    const result = await this.store.create({
      id: input.id,
      name: input.name,
      apiKeyHash: hashApiKey(apiKey),
      createdAt: this.clock.now(),
      audiences: input.audiences,
      callbackOrigins: input.callbackOrigins ?? [],
      ...(input.logoUri !== undefined ? { logoUri: input.logoUri } : {}),
    });
    if (result.outcome === 'id_taken') throw new KpartyError('relying_party.conflict', `a relying party with id "${input.id}" already exists`);
    if (result.outcome === 'audience_taken') throw audienceTaken(result);
    return { id: input.id, name: input.name, apiKey };
  }

  async list(): Promise<RelyingPartyView[]> {
    return (await this.store.list()).map(viewOf);
  }

  async get(id: string): Promise<RelyingPartyView> {
    const rp = await this.store.get(id);
    if (!rp) throw new KpartyError('relying_party.not_found', `no relying party "${id}"`);
    return viewOf(rp);
  }

  /**
   * Changes a relying party. New audiences are claimed (409 when another party
   * or an operator policy holds one); an audience one of its own policies still
   * uses cannot be dropped (409 `relying_party.audience_in_use`: change the
   * policy first). `rotateApiKey` revokes the current key and answers the new one once.
   */
  async update(id: string, patch: RelyingPartyPatch): Promise<RelyingPartyView> {
    checkUrls(patch, this.options.production);
    const current = await this.store.get(id);
    if (!current) throw new KpartyError('relying_party.not_found', `no relying party "${id}"`);
    if (patch.audiences) {
      await this.refuseOperatorAudiences(id, patch.audiences);
      const kept = new Set(patch.audiences);
      for (const dropped of current.audiences.filter((a) => !kept.has(a)).sort()) {
        if ((await this.usage.ownersUsing(dropped)).has(id)) {
          throw new KpartyError('relying_party.audience_in_use', `a policy of "${id}" uses audience "${dropped}"; change or delete it first`);
        }
      }
    }
    const apiKey = patch.rotateApiKey ? newApiKey() : undefined;
    const change: RelyingPartyChange = {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.audiences !== undefined ? { audiences: patch.audiences } : {}),
      ...(patch.callbackOrigins !== undefined ? { callbackOrigins: patch.callbackOrigins } : {}),
      ...(patch.logoUri !== undefined ? { logoUri: patch.logoUri } : {}),
      ...(apiKey !== undefined ? { apiKeyHash: hashApiKey(apiKey) } : {}),
    };
    const result = await this.store.update(id, change);
    if (result.outcome === 'not_found') throw new KpartyError('relying_party.not_found', `no relying party "${id}"`);
    if (result.outcome === 'audience_taken') throw audienceTaken(result);
    return { ...viewOf(result.relyingParty), ...(apiKey !== undefined ? { apiKey } : {}) };
  }

  /** Operator-owned policies (files, operator key) may use any audience no party holds; so a party cannot be given one they use. */
  private async refuseOperatorAudiences(id: string, audiences: readonly string[]): Promise<void> {
    for (const audience of [...audiences].sort()) {
      const owners = await this.usage.ownersUsing(audience);
      owners.delete(id);
      const other = [...owners].sort()[0];
      if (other !== undefined) throw audienceTaken({ audience, holder: other });
    }
  }
}

function newApiKey(): string {
  return `kpk_${randomToken(32)}`;
}
