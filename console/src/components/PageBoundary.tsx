import { Component, type ReactNode } from 'react';

/**
 * Pages are loaded on demand (one chunk each): this shows what went wrong when a page's code cannot be
 * loaded (offline, or a new deployment replaced the old chunks) or throws while rendering, instead of
 * a blank page. Reloading fetches the current build.
 */
export class PageBoundary extends Component<{ children: ReactNode }, { error: Error | undefined }> {
  override state: { error: Error | undefined } = { error: undefined };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="error" role="alert">
        <span>This page could not be shown: {error.message}</span>
        <button type="button" className="link" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
