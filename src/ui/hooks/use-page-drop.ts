import { useEffect, useRef, useState } from 'react';
import { filesFromClipboard, filesFromDrop } from '../library/image-sources.ts';
import type { FileToAdd } from '../session/classifier-session.ts';

interface Handlers {
  onFiles(files: Iterable<File | FileToAdd>): void;
  /** A dropped folder, as a handle the library keeps (where the browser gives one). */
  onFolder(handle: FileSystemDirectoryHandle): Promise<void>;
  /** Files in dropped folders that were not images and were left out. */
  onSkipped(count: number): void;
}

/**
 * Images dropped or pasted anywhere on the page (a drop outside a zone must not navigate away and
 * lose the page). Text pasted into a text field stays text. Returns whether files are dragged over.
 */
export function usePageDrop(handlers: Handlers): boolean {
  const [dragging, setDragging] = useState(false);
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });

  useEffect(() => {
    const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const onDragOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      setDragging(true);
    };
    const onDragLeave = (event: DragEvent) => {
      if (event.relatedTarget === null) setDragging(false);
    };
    const onDrop = (event: DragEvent) => {
      if (!event.dataTransfer || !hasFiles(event)) return;
      event.preventDefault();
      setDragging(false);
      // Entries and handles must be taken during the event; folders are then kept or walked.
      void filesFromDrop(event.dataTransfer).then(({ files, folders, skipped }) => {
        latest.current.onFiles(files);
        for (const folder of folders) void latest.current.onFolder(folder);
        latest.current.onSkipped(skipped);
      });
    };
    const onPaste = (event: ClipboardEvent) => {
      const files = event.clipboardData ? filesFromClipboard(event.clipboardData) : [];
      if (files.length === 0) return;
      event.preventDefault();
      latest.current.onFiles(files);
    };
    document.addEventListener('dragover', onDragOver);
    document.addEventListener('dragleave', onDragLeave);
    document.addEventListener('drop', onDrop);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('dragover', onDragOver);
      document.removeEventListener('dragleave', onDragLeave);
      document.removeEventListener('drop', onDrop);
      document.removeEventListener('paste', onPaste);
    };
  }, []);

  return dragging;
}
