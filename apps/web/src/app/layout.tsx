// The frame of every page but the wall: the name, the navigation and the dashboard's own link state.
import { Link, NavLink, Outlet } from 'react-router';
import { LinkStatus } from '../components/ui/link-status';
import { useLinkView } from '../lib/live/live-context';

export function AppLayout() {
  return (
    <div className="app">
      <header className="app-header">
        <Link className="brand" to="/">
          hopwatch
        </Link>
        <nav className="app-nav">
          <NavLink to="/" end>
            Overview
          </NavLink>
          <NavLink to="/incidents">Incidents</NavLink>
          <NavLink to="/wall">Wall</NavLink>
        </nav>
        <HeaderLinkStatus />
      </header>
      <main className="app-main">
        <Outlet />
      </main>
    </div>
  );
}

/** Its own component so the once-a-second countdown re-renders the badge only. */
function HeaderLinkStatus() {
  return <LinkStatus view={useLinkView()} />;
}
