import { useEffect, useState } from 'react';
import { ModelStore } from './model-store.ts';

export type StoreState =
  { status: 'opening' } | { status: 'ready'; store: ModelStore } | { status: 'unavailable'; reason: string };

let opening: Promise<ModelStore> | null = null;

/** The page's one model store, opened once (IndexedDB may refuse: private windows, blocked data). */
export function openModelStore(): Promise<ModelStore> {
  opening ??= ModelStore.open();
  return opening;
}

export function useModelStore(): StoreState {
  const [state, setState] = useState<StoreState>({ status: 'opening' });
  useEffect(() => {
    let live = true;
    openModelStore().then(
      (store) => live && setState({ status: 'ready', store }),
      (error: unknown) => live && setState({ status: 'unavailable', reason: String(error) }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}
