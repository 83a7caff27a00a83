import { useRef, useState } from 'react';
import { useRegisterSW } from 'virtual:pwa-register/react';
import { useI18n } from '../i18n/i18n.ts';

/**
 * Offers a new version of the app instead of silently mixing two versions in one page. Accepting
 * it reloads this tab only: another tab whose page the new version now controls is never reloaded
 * under the person (they may have said "Later" there); it shows the prompt again, and its button
 * simply reloads it.
 */
export function UpdatePrompt() {
  const { t } = useI18n();
  const accepted = useRef(false);
  // The new version already controls this tab (accepted in another one): a reload is all that is left.
  const [inUse, setInUse] = useState(false);
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({
    onNeedReload() {
      if (accepted.current) {
        location.reload();
        return;
      }
      setInUse(true);
      setNeedRefresh(true);
    },
  });
  if (!needRefresh) return null;
  const update = () => {
    if (inUse) {
      location.reload();
      return;
    }
    accepted.current = true;
    void updateServiceWorker(true);
  };
  return (
    <div className="update-prompt" aria-live="polite">
      <p>{t.updateAvailable}</p>
      <button type="button" onClick={update}>
        {t.reloadToUpdate}
      </button>
      <button type="button" className="secondary" onClick={() => setNeedRefresh(false)}>
        {t.later}
      </button>
    </div>
  );
}
