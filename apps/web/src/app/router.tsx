import { createBrowserRouter, RouterProvider } from 'react-router';
import { queryClient } from '../lib/query-client';
import { useZoneMode } from '../lib/time-zone';
import { AppLayout } from './layout';
import { IncidentRoute } from './routes/incident';
import { IncidentsRoute } from './routes/incidents';
import { NotFoundRoute } from './routes/not-found';
import { OverviewRoute } from './routes/overview';
import { prefetchOverview } from './routes/overview-prefetch';
import { WallRoute } from './routes/wall';

const router = createBrowserRouter([
  {
    element: <AppLayout />,
    children: [
      {
        path: '/',
        element: <OverviewRoute />,
        loader: ({ request }) => {
          prefetchOverview(queryClient, new URL(request.url).searchParams);
          return null;
        },
      },
      { path: '/incidents', element: <IncidentsRoute /> },
      { path: '/incidents/:id', element: <IncidentRoute /> },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
  // The wall has no header or controls: it is the whole screen.
  { path: '/wall', element: <WallRoute /> },
]);

export function AppRouter() {
  // Every time on screen is formatted in the page's zone; a new zone redraws the page once, whole.
  const zone = useZoneMode();
  return <RouterProvider key={zone} router={router} />;
}
