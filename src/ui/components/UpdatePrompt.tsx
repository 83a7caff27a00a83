import { useRegisterSW } from 'virtual:pwa-register/react';
import { useI18n } from '../i18n.ts';

/** Offers a new version of the app instead of silently mixing two versions in one page. */
export function UpdatePrompt() {
  const { t } = useI18n();
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW();
  if (!needRefresh) return null;
  return (
    <div className="update-prompt" aria-live="polite">
      <p>{t.updateAvailable}</p>
      <button type="button" onClick={() => void updateServiceWorker(true)}>
        {t.reloadToUpdate}
      </button>
      <button type="button" className="secondary" onClick={() => setNeedRefresh(false)}>
        {t.later}
      </button>
    </div>
  );
}
