/**
 * The roles an identity may act as. A JWT's role claim and an API key's role are checked against the
 * list `roles:` in nightshift.yaml (default: anon and authenticated), and a role that bypasses row-level
 * security (a superuser, or BYPASSRLS) is refused even when listed: sql:query would run above every
 * privacy rule. Only an admin key created with `allowPrivilegedRole` (keys create --allow-privileged-role)
 * may act as a role outside these rules; a JWT never can.
 */
import { findRoleAttributes, type Queryable, type RoleAttributes } from '../store/index.ts';
import { defaultActingRoles, EngineError } from '../shared/index.ts';

export interface RoleDeps {
  sql: Queryable;
  /** nightshift.yaml `roles:`; absent: anon and authenticated. */
  roles?: readonly string[];
}

/** Who acts as the role, for the refusal's message: `The JWT`, `The API key`, `The table trigger`. */
export type RoleHolder = string;

/**
 * ROLE_NOT_ALLOWED unless `role` is listed and does not bypass row-level security (`attributes` is the
 * role as Postgres has it; null when it does not exist, which sql:query reports when it runs).
 */
export function refuseRole(deps: Pick<RoleDeps, 'roles'>, holder: RoleHolder, role: string, attributes: RoleAttributes | null): void {
  const roles = deps.roles ?? defaultActingRoles;
  if (!roles.includes(role)) {
    throw new EngineError('ROLE_NOT_ALLOWED', `${holder} acts as the role ${JSON.stringify(role)}, which is not one callers may act as (roles: in nightshift.yaml: ${roles.join(', ')})`, {
      details: { role, roles: [...roles] },
    });
  }
  if (attributes?.privileged) {
    throw new EngineError('ROLE_NOT_ALLOWED', `${holder} acts as the role ${JSON.stringify(role)}, a superuser or BYPASSRLS role: row-level security would not apply to its SQL`, {
      details: { role, privileged: true },
    });
  }
}

/** refuseRole with the role's attributes read now. */
export async function checkActingRole(deps: RoleDeps, holder: RoleHolder, role: string): Promise<void> {
  const roles = deps.roles ?? defaultActingRoles;
  // An unlisted role is refused without a round trip.
  refuseRole(deps, holder, role, roles.includes(role) ? await findRoleAttributes(deps.sql, role) : null);
}
