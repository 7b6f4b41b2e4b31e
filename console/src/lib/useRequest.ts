import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { errorMessage } from './api';

export interface RequestState<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs a read request whenever `key` changes (or on reload); answers from an older request are dropped.
 * The last data stays while a new request runs, so tables do not flash empty on reload.
 */
export function useRequest<T>(key: string, load: () => Promise<T>): RequestState<T> {
  const [data, setData] = useState<T>();
  const [generation, setGeneration] = useState(0);
  // Which request last settled, and its error. Loading is derived from it rather than set at the start
  // of the effect: a request is loading until its own answer is in.
  const [settled, setSettled] = useState<{ request: string; error?: string }>();
  const request = `${generation}|${key}`;
  // `load` is usually an inline closure, new on each render: only `key` says when to load again.
  const runLoad = useEffectEvent(load);

  useEffect(() => {
    let current = true;
    runLoad().then(
      (value) => {
        if (!current) return;
        setData(value);
        setSettled({ request });
      },
      (err: unknown) => {
        if (current) setSettled({ request, error: errorMessage(err) });
      },
    );
    return () => {
      current = false;
    };
  }, [request]);

  const loading = settled?.request !== request;
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error: loading ? undefined : settled?.error, loading, reload };
}

/** A write action: its pending flag and last error, for buttons and forms. */
export function useAction<A extends unknown[], R>(
  action: (...args: A) => Promise<R>,
): {
  run: (...args: A) => Promise<R | undefined>;
  pending: boolean;
  error: string | undefined;
  clear: () => void;
} {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (...args: A): Promise<R | undefined> => {
    setPending(true);
    setError(undefined);
    try {
      return await action(...args);
    } catch (err) {
      setError(errorMessage(err));
      return undefined;
    } finally {
      setPending(false);
    }
  };
  return { run, pending, error, clear: () => setError(undefined) };
}
