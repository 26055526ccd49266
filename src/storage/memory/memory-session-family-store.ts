import {
  liveAccessTokens,
  type FamilyRotation,
  type RefreshTokenLookup,
  type SessionFamily,
  type SessionFamilyStore,
} from '../../core/ports/session-family-store.js';

/**
 * Session families in one process's memory — the test double, and enough for
 * a single process (a restart ends every session). Values are structured
 * clones: nothing returned can change what is stored. JavaScript runs one
 * method body at a time, so `rotate` is atomic within the process.
 */
export class MemorySessionFamilyStore implements SessionFamilyStore {
  private readonly families = new Map<string, SessionFamily>();
  /** token hash → family id and rotation time (undefined: live). */
  private readonly tokens = new Map<string, { familyId: string; rotatedAt?: number }>();

  async create(family: SessionFamily): Promise<void> {
    if (this.families.has(family.id)) throw new Error(`session family ${family.id} already exists`);
    if (this.tokens.has(family.currentTokenHash)) throw new Error('refresh token hash already exists');
    this.families.set(family.id, structuredClone(family));
    this.tokens.set(family.currentTokenHash, { familyId: family.id });
  }

  async findByTokenHash(hash: string): Promise<RefreshTokenLookup | null> {
    const token = this.tokens.get(hash);
    const family = token && this.families.get(token.familyId);
    if (!token || !family) return null;
    return { family: structuredClone(family), ...(token.rotatedAt !== undefined ? { rotatedAt: token.rotatedAt } : {}) };
  }

  async rotate(familyId: string, rotation: FamilyRotation): Promise<boolean> {
    const family = this.families.get(familyId);
    if (!family || family.endedAt !== undefined || family.currentTokenHash !== rotation.expectedHash) return false;
    if (this.tokens.has(rotation.nextHash)) throw new Error('refresh token hash already exists');
    this.tokens.set(rotation.expectedHash, { familyId, rotatedAt: rotation.now });
    this.tokens.set(rotation.nextHash, { familyId });
    family.currentTokenHash = rotation.nextHash;
    family.sealedClaims = rotation.sealedClaims;
    family.idleExpiresAt = rotation.idleExpiresAt;
    family.generation += 1;
    family.accessTokens = liveAccessTokens(family.accessTokens, rotation.accessToken, rotation.now);
    return true;
  }

  async end(familyId: string, reason: string, now: number): Promise<SessionFamily | null> {
    const family = this.families.get(familyId);
    if (!family || family.endedAt !== undefined) return null;
    const before = structuredClone(family);
    family.endedAt = now;
    family.endReason = reason;
    return before;
  }

  async listActiveBySubject(subject: string, clientId: string | undefined, _now: number): Promise<SessionFamily[]> {
    const found: SessionFamily[] = [];
    for (const family of this.families.values()) {
      if (family.subject !== subject || family.endedAt !== undefined) continue;
      if (clientId !== undefined && family.clientId !== clientId) continue;
      found.push(structuredClone(family));
      if (found.length >= 1000) break;
    }
    return found;
  }

  async purge(now: number): Promise<number> {
    let purged = 0;
    for (const [id, family] of this.families) {
      if (family.endedAt === undefined && family.idleExpiresAt > now && family.absoluteExpiresAt > now) continue;
      this.families.delete(id);
      purged += 1;
    }
    for (const [hash, token] of this.tokens) if (!this.families.has(token.familyId)) this.tokens.delete(hash);
    return purged;
  }
}
