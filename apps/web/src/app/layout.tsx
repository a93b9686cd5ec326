// The frame of every page but the wall: a skip link, the name, the navigation, the page's zone and theme
// switches and the dashboard's own link state. The tab's title and favicon follow the legs.
import { Link, NavLink, Outlet } from 'react-router';
import { ThemeToggle, ZoneToggle } from '../components/prefs/view-prefs';
import { LinkStatus } from '../components/ui/link-status';
import { useLinkView } from '../lib/live/live-context';
import { useNow } from '../lib/use-now';
import { useTabState } from './use-tab-state';

export function AppLayout() {
  useTabState();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to the legs
      </a>
      <header className="app-header">
        <Link className="brand" to="/">
          hopwatch
        </Link>
        <nav className="app-nav" aria-label="pages">
          <NavLink to="/" end>
            Overview
          </NavLink>
          <NavLink to="/incidents">Incidents</NavLink>
          <NavLink to="/wall">Wall</NavLink>
        </nav>
        <div className="header-prefs">
          <HeaderZone />
          <ThemeToggle />
        </div>
        <HeaderLinkStatus />
      </header>
      <main className="app-main" id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

/** The zone label moves with daylight saving only; a minute's clock is plenty. */
function HeaderZone() {
  return <ZoneToggle now={useNow(60_000)} />;
}

/** Its own component so the once-a-second countdown re-renders the badge only. */
function HeaderLinkStatus() {
  return <LinkStatus view={useLinkView()} />;
}
