import { createBrowserRouter, RouterProvider } from 'react-router';
import { AppLayout } from './layout';
import { IncidentRoute } from './routes/incident';
import { IncidentsRoute } from './routes/incidents';
import { NotFoundRoute } from './routes/not-found';
import { OverviewRoute } from './routes/overview';
import { WallRoute } from './routes/wall';

const router = createBrowserRouter([
  {
    element: <AppLayout />,
    children: [
      { path: '/', element: <OverviewRoute /> },
      { path: '/incidents', element: <IncidentsRoute /> },
      { path: '/incidents/:id', element: <IncidentRoute /> },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
  // The wall has no header or controls: it is the whole screen.
  { path: '/wall', element: <WallRoute /> },
]);

export function AppRouter() {
  return <RouterProvider router={router} />;
}
