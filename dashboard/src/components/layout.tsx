/** The shell around every page: the navigation on the left, who is signed in at the top. */
import type { ReactNode } from 'react';
import { useApi } from '../data.tsx';
import { Link, useRouter } from '../router.tsx';
import { Icon, type IconName } from './icon.tsx';


const sections: Array<{ path: string; label: string; icon: IconName }> = [
  { path: '/workflows', label: 'Workflows', icon: 'workflow' },
  { path: '/executions', label: 'Executions', icon: 'play' },
  { path: '/scheduler', label: 'Scheduler', icon: 'clock' },
  { path: '/schedules', label: 'Schedules', icon: 'repeat' },
  { path: '/table-triggers', label: 'Table triggers', icon: 'table' },
  { path: '/keys', label: 'API keys', icon: 'key' },
];

export function Layout({ children, onSignOut }: { children: ReactNode; onSignOut(): void }) {
  const { identity } = useApi();
  const { location } = useRouter();
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Sections">
        <Link to="/workflows" className="brand">
          <span className="brand-mark" aria-hidden>☾</span> Nightshift
        </Link>
        <ul>
          {sections.map((s) => (
            <li key={s.path}>
              <Link to={s.path} className={location.path.startsWith(s.path) ? 'active' : ''} aria-current={location.path.startsWith(s.path) ? 'page' : undefined}>
                <Icon name={s.icon} />
                {s.label}
              </Link>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          <a href="/openapi.json" target="_blank" rel="noreferrer">OpenAPI document</a>
        </div>
      </nav>
      <div className="main">
        <div className="topbar">
          <span className="spacer" />
          <span className="who" data-testid="identity">
            Signed in as role <strong>{identity.role}</strong>
            {identity.kind === 'key' ? ' with an admin key' : identity.kind === 'public' ? ' (authentication is disabled)' : ' with a JWT'}
          </span>
          <button type="button" className="button button-small" onClick={onSignOut}>Sign out</button>
        </div>
        <main className="content">{children}</main>
      </div>
    </div>
  );
}
