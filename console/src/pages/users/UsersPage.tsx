import { useState, type FormEvent } from 'react';
import { api, type User } from '../../lib/api';
import { useAction, useRequest } from '../../lib/useRequest';
import { ErrorMessage, Loading } from '../../components/Status';
import { UserForm } from './UserForm';
import { UserRow } from './UserRow';
import { Pager } from './Pager';

const PAGE_SIZE = 20;

/** Users of a pool: through the local store, or through the scripts in CUSTOM_USER_STORE mode. */
export function UsersPage({ pool }: { pool: string }) {
  const [page, setPage] = useState(1);
  const [keyword, setKeyword] = useState('');
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<User | 'new' | undefined>();
  const users = useRequest(`${pool}|${page}|${search}`, () => api.users.list(pool, page, PAGE_SIZE, search));
  const customDb = useRequest(`custom-db|${pool}`, () => api.customDb.get(pool));
  const save = useAction(async (values: Record<string, unknown>) =>
    editing && editing !== 'new'
      ? api.users.update(pool, editing.id, values)
      : api.users.create(pool, values),
  );
  const change = useAction(async (run: () => Promise<unknown>) => run());
  const [busyId, setBusyId] = useState<string>();
  const throughScripts = customDb.data?.enabled && customDb.data.mode === 'CUSTOM_USER_STORE';

  function submitSearch(event: FormEvent) {
    event.preventDefault();
    setPage(1);
    setSearch(keyword.trim());
  }

  async function act(user: User, run: () => Promise<unknown>) {
    setBusyId(user.id);
    const done = await change.run(run);
    setBusyId(undefined);
    if (done !== undefined) users.reload();
  }

  return (
    <section aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Users</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          New user
        </button>
      </div>
      {throughScripts && (
        <p className="banner" role="note">
          This pool uses a custom database in <strong>CUSTOM_USER_STORE</strong> mode: users live in your
          database, and listing, searching, creating, editing and deleting here run your database scripts.
        </p>
      )}
      <form className="toolbar" role="search" onSubmit={submitSearch}>
        <label htmlFor="user-search">Search users</label>
        <input
          id="user-search"
          type="search"
          placeholder="Email, username, phone, name or id"
          value={keyword}
          onChange={(e) => setKeyword(e.target.value)}
        />
        <button type="submit">Search</button>
      </form>
      <ErrorMessage error={users.error} onRetry={users.reload} />
      <ErrorMessage error={change.error} />
      {users.loading && <Loading label="Loading users…" />}
      {users.data && (
        <>
          <div className="table-wrap">
            <table aria-busy={users.loading}>
              <caption className="visually-hidden">Users of {pool}</caption>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Username</th>
                  <th scope="col">Phone</th>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.data.list.length === 0 && (
                  <tr>
                    <td colSpan={7} className="muted">
                      {search ? `No user matches “${search}”.` : 'No users yet.'}
                    </td>
                  </tr>
                )}
                {users.data.list.map((user) => (
                  <UserRow
                    key={user.id}
                    user={user}
                    busy={busyId === user.id}
                    onEdit={() => setEditing(user)}
                    onToggleBlocked={() =>
                      act(user, () => api.users.setBlocked(pool, user.id, !user.blocked))
                    }
                    onDelete={() => {
                      const name = user.email ?? user.username ?? user.phone ?? user.id;
                      if (window.confirm(`Delete ${name}? This cannot be undone.`)) {
                        void act(user, () => api.users.remove(pool, user.id).then(() => true));
                      }
                    }}
                  />
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} limit={PAGE_SIZE} total={users.data.totalCount} onPage={setPage} />
        </>
      )}
      {editing && (
        <UserForm
          user={editing === 'new' ? undefined : editing}
          pending={save.pending}
          error={save.error}
          onClose={() => {
            setEditing(undefined);
            save.clear();
          }}
          onSubmit={async (values) => {
            const saved = await save.run(values);
            if (saved) {
              setEditing(undefined);
              users.reload();
            }
          }}
        />
      )}
    </section>
  );
}
