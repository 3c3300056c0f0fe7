/**
 * The Postgres roles callers may act as when nightshift.yaml names none (`roles:`): Supabase's pair,
 * `anon` (callers without credentials) and `authenticated` (a verified JWT without a role claim).
 */
export const defaultActingRoles: readonly string[] = Object.freeze(['anon', 'authenticated']);
