export function OverviewRoute() {
  return (
    <section>
      <h1 className="page-title">Overview</h1>
    </section>
  );
}
