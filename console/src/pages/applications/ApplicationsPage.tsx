import { useState } from 'react';
import { api, type Application, type NewApplication } from '../../lib/api';
import { useAction, useRequest } from '../../lib/useRequest';
import { ErrorMessage, Loading } from '../../components/Status';
import { OneTimeSecret } from '../../components/OneTimeSecret';
import { ApplicationForm } from './ApplicationForm';
import { formatDate, formatDateTime } from '../../lib/format';

/** The pool's OpenID Connect clients. */
export function ApplicationsPage({ pool }: { pool: string }) {
  const apps = useRequest(`applications|${pool}`, () => api.applications.list(pool));
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Application>();
  const create = useAction((app: NewApplication) => api.applications.create(pool, app));
  const remove = useAction((id: string) => api.applications.remove(pool, id));
  const [busyId, setBusyId] = useState<string>();

  async function submit(app: NewApplication) {
    const result = await create.run(app);
    if (result) {
      setCreating(false);
      setCreated(result);
      apps.reload();
    }
  }

  async function del(app: Application) {
    if (!window.confirm(`Delete the application “${app.name}”? Its users can no longer sign in to it.`))
      return;
    setBusyId(app.id);
    const done = await remove.run(app.id);
    setBusyId(undefined);
    if (done !== undefined) apps.reload();
  }

  const list = apps.data?.list ?? [];
  return (
    <section aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Applications</h1>
        {!creating && (
          <button
            type="button"
            className="primary"
            onClick={() => {
              create.clear();
              setCreating(true);
            }}
          >
            New application
          </button>
        )}
      </div>
      <p className="muted">
        OpenID Connect clients of this pool. Their issuer is <code>/oidc/{pool}</code>.
      </p>
      {creating && (
        <ApplicationForm
          pending={create.pending}
          error={create.error}
          onSubmit={(app) => void submit(app)}
          onCancel={() => setCreating(false)}
        />
      )}
      {created && (
        <OneTimeSecret
          title={`Application “${created.name}” created`}
          label="Client secret"
          value={created.client_secret ?? ''}
          onDismiss={() => setCreated(undefined)}
        >
          <p>
            Client id: <code data-testid="created-client-id">{created.clientId}</code>
          </p>
          {!created.client_secret && <p className="muted">A public client has no secret.</p>}
        </OneTimeSecret>
      )}
      <ErrorMessage error={apps.error} onRetry={apps.reload} />
      <ErrorMessage error={remove.error} />
      {apps.loading && <Loading label="Loading applications…" />}
      {apps.data && list.length === 0 && <p className="muted">No application yet.</p>}
      {list.length > 0 && (
        <div className="table-wrap">
          <table aria-busy={apps.loading}>
            <caption className="visually-hidden">Applications</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Client id</th>
                <th scope="col">Type</th>
                <th scope="col">Redirect URIs</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((app) => (
                <tr key={app.id}>
                  <td>
                    {app.name} {app.firstParty && <span className="badge info">first-party</span>}
                  </td>
                  <td>
                    <code>{app.clientId}</code>
                  </td>
                  <td>{app.token_endpoint_auth_method === 'none' ? 'Public' : 'Confidential'}</td>
                  <td className="wrap">
                    {app.redirect_uris.length ? (
                      app.redirect_uris.map((uri) => (
                        <code key={uri} className="block">
                          {uri}
                        </code>
                      ))
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>
                    <time dateTime={app.createdAt} title={formatDateTime(app.createdAt)}>
                      {formatDate(app.createdAt)}
                    </time>
                  </td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="danger"
                      disabled={busyId === app.id}
                      onClick={() => void del(app)}
                      aria-label={`Delete ${app.name}`}
                    >
                      {busyId === app.id ? 'Deleting…' : 'Delete'}
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
