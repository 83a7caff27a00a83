import type { LibraryImage } from '../../shared/library.ts';
import { useThumbnail } from '../hooks/use-thumbnail.ts';

/** A decorative square thumbnail for lists in dialogs (trash, duplicates); an empty box until it is read. */
export function SmallThumbnail({ image, size, className }: { image: LibraryImage; size: number; className: string }) {
  const url = useThumbnail(image);
  return url ? (
    <img src={url} alt="" width={size} height={size} className={className} />
  ) : (
    <span className={className} />
  );
}
