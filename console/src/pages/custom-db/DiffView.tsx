import { diffLines, diffStats } from '../../lib/diff';

/** A unified line diff, old text first. Signs are in the text too, not only in colour. */
export function DiffView({ before, after, label }: { before: string; after: string; label: string }) {
  const lines = diffLines(before, after);
  const stats = diffStats(lines);
  return (
    <figure className="diff">
      <figcaption>
        {label}:{' '}
        {stats.added === 0 && stats.removed === 0 ? (
          'no differences'
        ) : (
          <>
            <span className="diff-added-count">+{stats.added}</span>{' '}
            <span className="diff-removed-count">−{stats.removed}</span> lines
          </>
        )}
      </figcaption>
      <pre tabIndex={0} aria-label={label}>
        {lines.map((line, i) => (
          <span key={i} className={`diff-line diff-${line.kind}`}>
            {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}
            {line.text}
            {'\n'}
          </span>
        ))}
      </pre>
    </figure>
  );
}
