/** Who is calling the admin API. */
export type Principal = { role: 'operator' } | { role: 'relying_party'; relyingPartyId: string };

/** The policy owner a principal acts as. */
export const OPERATOR = { role: 'operator' } as const satisfies Principal;
