/** An image's thumbnail URL from the page's thumbnail cache, asked for while the card is on screen. */
import { createContext, useContext, useEffect, useSyncExternalStore } from 'react';
import type { LibraryImage } from '../../shared/library.ts';
import type { Thumbnails } from '../session/thumbnails.ts';

export const ThumbnailsContext = createContext<Thumbnails | null>(null);

export function useThumbnail(image: LibraryImage): string | undefined {
  const thumbnails = useContext(ThumbnailsContext);
  const url = useSyncExternalStore(
    (listener) => thumbnails?.subscribe(listener) ?? (() => undefined),
    () => thumbnails?.peek(image),
  );
  useEffect(() => {
    if (!url) thumbnails?.want(image);
  }, [thumbnails, image, url]);
  return url;
}
