import type { User } from '../../lib/api';
import { formatDate, formatDateTime } from '../../lib/format';

export function UserRow({
  user,
  busy,
  onEdit,
  onToggleBlocked,
  onDelete,
}: {
  user: User;
  busy: boolean;
  onEdit: () => void;
  onToggleBlocked: () => void;
  onDelete: () => void;
}) {
  const label = user.email ?? user.username ?? user.phone ?? user.id;
  return (
    <tr>
      <td>{user.email ?? '—'}</td>
      <td>{user.username ?? '—'}</td>
      <td>{user.phone ?? '—'}</td>
      <td>{user.nickname ?? user.name ?? '—'}</td>
      <td className="wrap status-cell">
        {user.blocked ? <span className="badge danger">Blocked</span> : <span className="badge">Active</span>}
        {user.migratedAt && (
          <span className="badge info" title={`Migrated ${formatDateTime(user.migratedAt)}`}>
            Migrated
          </span>
        )}
        {user.externalId && <span className="muted small block">legacy id {user.externalId}</span>}
      </td>
      <td>
        {user.createdAt ? (
          <time dateTime={user.createdAt} title={formatDateTime(user.createdAt)}>
            {formatDate(user.createdAt)}
          </time>
        ) : (
          '—'
        )}
      </td>
      <td className="row-actions">
        <button type="button" onClick={onEdit} disabled={busy} aria-label={`Edit ${label}`}>
          Edit
        </button>
        <button
          type="button"
          onClick={onToggleBlocked}
          disabled={busy}
          aria-label={`${user.blocked ? 'Unblock' : 'Block'} ${label}`}
        >
          {user.blocked ? 'Unblock' : 'Block'}
        </button>
        <button
          type="button"
          className="danger"
          onClick={onDelete}
          disabled={busy}
          aria-label={`Delete ${label}`}
        >
          Delete
        </button>
      </td>
    </tr>
  );
}
