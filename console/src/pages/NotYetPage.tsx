export function NotYetPage({ title }: { title: string }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      <p className="muted">
        This page is not in the console yet. Everything it will show is available through the management API
        (see <a href="/docs">/docs</a>).
      </p>
    </section>
  );
}
