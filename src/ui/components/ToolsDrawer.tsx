import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.ts';

interface Props {
  open: boolean;
  docked: boolean;
  onClose(): void;
  /** The button that opened it: focus returns there when an overlay drawer closes. */
  opener: HTMLElement | null;
  children: ReactNode;
  onSlot(element: HTMLElement | null): void;
}

/**
 * Everything that is not the photos: adding images, the template, cutoff, sorting, export. Docked
 * beside the grid on a wide screen; an overlay below that takes focus and gives it back on Escape.
 */
export function ToolsDrawer({ open, docked, onClose, opener, children, onSlot }: Props) {
  const { t } = useI18n();
  const panel = useRef<HTMLElement>(null);
  const overlay = open && !docked;
  useEffect(() => {
    if (!overlay) return undefined;
    panel.current?.querySelector<HTMLElement>('button, input, select, textarea, [tabindex="0"]')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      // A dialog opened from the drawer closes first; its own Escape never reaches here as a plain keydown.
      if (document.querySelector('dialog[open]')) return;
      onClose();
      opener?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [overlay, onClose, opener]);
  return (
    <>
      {overlay && <div className="tools-backdrop" aria-hidden="true" onClick={onClose} />}
      <aside
        ref={panel}
        id="tools"
        className={docked ? 'tools-drawer docked' : 'tools-drawer overlay'}
        aria-labelledby="tools-heading"
        hidden={!open}
      >
        <div className="tools-head">
          <h2 id="tools-heading">{t.tools}</h2>
          <button
            type="button"
            className="icon-button"
            aria-label={t.closeTools}
            onClick={() => {
              onClose();
              opener?.focus();
            }}
          >
            ×
          </button>
        </div>
        {children}
        <div ref={onSlot} className="tools-library" />
      </aside>
    </>
  );
}
