import { useState } from 'react';
import { api, type Application, type ApplicationUpdate, type NewApplication } from '../../lib/api';
import { useAction, useRequest } from '../../lib/useRequest';
import { ErrorMessage, Loading } from '../../components/Status';
import { OneTimeSecret } from '../../components/OneTimeSecret';
import { ApplicationForm, applicationChanges } from './ApplicationForm';
import { formatDate, formatDateTime } from '../../lib/format';

/** The pool's OpenID Connect clients. */
export function ApplicationsPage({ pool }: { pool: string }) {
  const apps = useRequest(`applications|${pool}`, () => api.applications.list(pool));
  /** The form shown: a new application, or the one being edited. */
  const [editing, setEditing] = useState<Application | 'new'>();
  /** An answer with a client secret (created, or made confidential): shown once. */
  const [secret, setSecret] = useState<{ title: string; app: Application }>();
  const [notice, setNotice] = useState<string>();
  const create = useAction((app: NewApplication) => api.applications.create(pool, app));
  const update = useAction((id: string, changes: ApplicationUpdate) =>
    api.applications.update(pool, id, changes),
  );
  const remove = useAction((id: string) => api.applications.remove(pool, id));
  const [busyId, setBusyId] = useState<string>();
  const save = editing === 'new' ? create : update;

  function open(form: Application | 'new') {
    create.clear();
    update.clear();
    setNotice(undefined);
    setEditing(form);
  }

  async function submit(app: NewApplication) {
    if (editing === undefined) return;
    const result =
      editing === 'new'
        ? await create.run(app)
        : await update.run(editing.id, applicationChanges(editing, app));
    if (!result) return;
    setEditing(undefined);
    if (result.client_secret || editing === 'new') {
      const title =
        editing === 'new'
          ? `Application “${result.name}” created`
          : `Application “${result.name}” saved, with a new client secret`;
      setSecret({ title, app: result });
    } else {
      setNotice(`Saved “${result.name}”.`);
    }
    apps.reload();
  }

  async function del(app: Application) {
    if (!window.confirm(`Delete the application “${app.name}”? Its users can no longer sign in to it.`))
      return;
    setBusyId(app.id);
    const done = await remove.run(app.id);
    setBusyId(undefined);
    if (done === undefined) return;
    if (editing !== 'new' && editing?.id === app.id) setEditing(undefined);
    apps.reload();
  }

  const list = apps.data?.list ?? [];
  return (
    <section aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Applications</h1>
        {editing !== 'new' && (
          <button type="button" className="primary" onClick={() => open('new')}>
            New application
          </button>
        )}
      </div>
      <p className="muted">
        OpenID Connect clients of this pool. Their issuer is <code>/oidc/{pool}</code>.
      </p>
      {editing && (
        <ApplicationForm
          // A fresh form for each application edited.
          key={editing === 'new' ? 'new' : editing.id}
          application={editing === 'new' ? undefined : editing}
          pending={save.pending}
          error={save.error}
          onSubmit={(app) => void submit(app)}
          onCancel={() => setEditing(undefined)}
        />
      )}
      {secret && (
        <OneTimeSecret
          title={secret.title}
          label="Client secret"
          value={secret.app.client_secret ?? ''}
          onDismiss={() => setSecret(undefined)}
        >
          <p>
            Client id: <code data-testid="created-client-id">{secret.app.clientId}</code>
          </p>
          {!secret.app.client_secret && <p className="muted">A public client has no secret.</p>}
        </OneTimeSecret>
      )}
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
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
                  <td className="wrap uris">
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
                    <button type="button" onClick={() => open(app)} aria-label={`Edit ${app.name}`}>
                      Edit
                    </button>
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
