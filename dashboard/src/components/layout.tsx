/**
 * The shell around every page: the navigation on the left (a menu behind a button on narrow screens),
 * who is signed in, the theme toggle and sign out at the top.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { toggleTheme, useTheme } from '../theme.ts';
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
  const theme = useTheme();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [location.path]);
  return (
    <div className={`shell${menuOpen ? ' menu-open' : ''}`}>
      <nav className="sidebar" id="sections" aria-label="Sections">
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
          <button type="button" className="button button-small menu-button" aria-controls="sections" aria-expanded={menuOpen} onClick={() => setMenuOpen(!menuOpen)}>
            <Icon name="menu" size={16} /> Menu
          </button>
          <span className="spacer" />
          <span className="who" data-testid="identity">
            Signed in as role <strong>{identity.role}</strong>
            {identity.kind === 'key' ? ' with an admin key' : identity.kind === 'public' ? ' (authentication is disabled)' : ' with a JWT'}
          </span>
          <button type="button" className="button button-small theme-button" onClick={toggleTheme} aria-label={theme === 'dark' ? 'Use the light theme' : 'Use the dark theme'} title={theme === 'dark' ? 'Use the light theme' : 'Use the dark theme'}>
            <Icon name={theme === 'dark' ? 'sun' : 'moon'} size={16} />
          </button>
          <button type="button" className="button button-small" onClick={onSignOut}>Sign out</button>
        </div>
        <main className="content">{children}</main>
      </div>
    </div>
  );
}
