export function Pager({
  page,
  limit,
  total,
  onPage,
  noun = ['user', 'users'],
}: {
  /** Singular and plural of what is counted. */
  noun?: [string, string];
  page: number;
  limit: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / limit));
  const first = total === 0 ? 0 : (page - 1) * limit + 1;
  const last = Math.min(total, page * limit);
  return (
    <nav className="pager" aria-label="Pages">
      <span aria-live="polite">
        {first}–{last} of {total} {total === 1 ? noun[0] : noun[1]}
      </span>
      <button type="button" onClick={() => onPage(page - 1)} disabled={page <= 1}>
        Previous
      </button>
      <span>
        Page {page} of {pages}
      </span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={page >= pages}>
        Next
      </button>
    </nav>
  );
}
