import { createBrowserRouter, RouterProvider } from 'react-router';
import { AppLayout } from './layout';
import { OverviewRoute } from './routes/overview';

const router = createBrowserRouter([
  {
    element: <AppLayout />,
    children: [{ path: '/', element: <OverviewRoute /> }],
  },
]);

export function AppRouter() {
  return <RouterProvider router={router} />;
}
