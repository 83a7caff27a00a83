import type { Ref } from 'react';
import { useI18n } from '../i18n/i18n.ts';
import type { FileToAdd } from '../session/classifier-session.ts';
import { inSlices } from '../../shared/slices.ts';

/** Files handed to the library per frame when many are chosen at once. */
const FILES_PER_SLICE = 200;

interface Props {
  ref: Ref<HTMLInputElement>;
  onFiles(files: FileToAdd[]): void;
}

/**
 * The page's one file input "Add images". It lives outside the drop zone, which moves from the page
 * to the top bar once the library has images: a remounted input would drop a choice made meanwhile.
 */
export function AddImagesInput({ ref, onFiles }: Props) {
  const { t } = useI18n();
  return (
    <input
      ref={ref}
      className="visually-hidden"
      type="file"
      accept="image/*"
      multiple
      tabIndex={-1}
      aria-label={t.addImages}
      onChange={(event) => {
        const chosen = [...(event.target.files ?? [])];
        // Cleared so that choosing the same file again still fires a change.
        event.target.value = '';
        // In slices across frames so that thousands of files never hold one frame.
        void inSlices(chosen, FILES_PER_SLICE, (slice) => onFiles(slice.map((file) => ({ file, path: null }))));
      }}
    />
  );
}
