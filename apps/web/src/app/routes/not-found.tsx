import { Link } from 'react-router';

export function NotFoundRoute() {
  return (
    <section>
      <h1 className="page-title">Not found</h1>
      <p>
        This page does not exist. <Link to="/">Back to the overview</Link>.
      </p>
    </section>
  );
}
