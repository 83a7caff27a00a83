import { useRegisterSW } from 'virtual:pwa-register/react';

/** Offers a new version of the app instead of silently mixing two versions in one page. */
export function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW();
  if (!needRefresh) return null;
  return (
    <div className="update-prompt" aria-live="polite">
      <p>Update available: a new version of the app is ready.</p>
      <button type="button" onClick={() => void updateServiceWorker(true)}>
        Reload to update
      </button>
      <button type="button" className="secondary" onClick={() => setNeedRefresh(false)}>
        Later
      </button>
    </div>
  );
}
