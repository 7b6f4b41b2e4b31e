import { useState, type FormEvent } from 'react';
import { api, type ApiKey } from '../../lib/api';
import { useAction, useRequest } from '../../lib/useRequest';
import { ErrorMessage, Loading } from '../../components/Status';
import { OneTimeSecret } from '../../components/OneTimeSecret';
import { formatDate, formatDateTime } from '../../lib/format';

/** Management API keys of the pool: bearer tokens for the management API. */
export function ApiKeysPage({ pool }: { pool: string }) {
  const keys = useRequest(`api-keys|${pool}`, () => api.apiKeys.list(pool));
  const [name, setName] = useState('');
  const [created, setCreated] = useState<ApiKey>();
  const create = useAction((keyName: string) => api.apiKeys.create(pool, keyName));
  const remove = useAction((id: string) => api.apiKeys.remove(pool, id));
  const [busyId, setBusyId] = useState<string>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await create.run(name.trim());
    if (result) {
      setName('');
      setCreated(result);
      keys.reload();
    }
  }

  async function del(key: ApiKey) {
    if (!window.confirm(`Revoke the API key “${key.name}”? It stops working at once.`)) return;
    setBusyId(key.id);
    const done = await remove.run(key.id);
    setBusyId(undefined);
    if (done !== undefined) keys.reload();
  }

  const list = keys.data?.list ?? [];
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">API keys</h1>
      <p className="muted">
        Keys for the management API of this pool, sent as <code>Authorization: Bearer …</code>. Only a digest
        is stored.
      </p>
      <form className="card toolbar" onSubmit={submit} aria-label="Create an API key">
        <label htmlFor="api-key-name">Key name</label>
        <input
          id="api-key-name"
          required
          maxLength={128}
          placeholder="What the key is for"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="primary" disabled={create.pending}>
          {create.pending ? 'Creating…' : 'Create key'}
        </button>
      </form>
      <ErrorMessage error={create.error} />
      {created?.key && (
        <OneTimeSecret
          title={`API key “${created.name}” created`}
          label="API key"
          value={created.key}
          onDismiss={() => setCreated(undefined)}
        />
      )}
      <ErrorMessage error={keys.error} onRetry={keys.reload} />
      <ErrorMessage error={remove.error} />
      {keys.loading && <Loading label="Loading API keys…" />}
      {keys.data && list.length === 0 && <p className="muted">No API key for this pool yet.</p>}
      {list.length > 0 && (
        <div className="table-wrap">
          <table aria-busy={keys.loading}>
            <caption className="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((key) => (
                <tr key={key.id}>
                  <td>{key.name}</td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>
                    <time dateTime={key.createdAt} title={formatDateTime(key.createdAt)}>
                      {formatDate(key.createdAt)}
                    </time>
                  </td>
                  <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never'}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="danger"
                      disabled={busyId === key.id}
                      onClick={() => void del(key)}
                      aria-label={`Revoke ${key.name}`}
                    >
                      {busyId === key.id ? 'Revoking…' : 'Revoke'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
