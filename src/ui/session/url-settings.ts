/**
 * Where the settings live on the page: the address bar (so a link reproduces them) and the
 * browser's storage (so a later visit to the bare app, or to a link that names only some of them,
 * finds the rest as the person left them). The link wins where it says something.
 */
import { parseSettings, settingsParams, type ParsedSettings, type Settings } from '../../shared/settings.ts';
import { TEST_HOOKS } from '../../shared/test-hooks.ts';

const SAVED = 'zero-shot-classifier settings';
/** Not kept between visits: the language has its own remembered choice; a simulated failure is a one-off. */
const PER_LINK = ['lang', 'simulate'];
/** A model and its host: kept only once the person agreed to the host. */
const SOURCE = ['model', 'host'];

function saved(): URLSearchParams {
  try {
    return new URLSearchParams(localStorage.getItem(SAVED) ?? '');
  } catch {
    return new URLSearchParams(); // Storage blocked: the link alone.
  }
}

/**
 * The settings of a visit: what the browser kept, overridden by what the link says. `?simulate=`
 * counts only where `testHooks` (development and test builds).
 */
export function mergeSettings(
  kept: URLSearchParams,
  link: URLSearchParams,
  origin: string,
  testHooks: boolean,
): ParsedSettings {
  const params = new URLSearchParams(kept);
  // A model and its host go together: a link that names either takes neither from storage.
  if (link.has('model') || link.has('host')) {
    params.delete('model');
    params.delete('host');
  }
  for (const [name, value] of link) params.set(name, value);
  // Failures on purpose are for development and test builds only.
  if (!testHooks) params.delete('simulate');
  return parseSettings(params, origin);
}

export function readUrlSettings(): ParsedSettings {
  return mergeSettings(saved(), new URLSearchParams(location.search), location.origin, TEST_HOOKS);
}

/**
 * What a later visit finds: the settings but those of one link only; while the model's host is one
 * the person has not agreed to (`rememberSource` false), the model and host kept before stay, so
 * a crafted link's host is never contacted on a later visit to the bare app.
 */
export function settingsToKeep(settings: Settings, kept: URLSearchParams, rememberSource: boolean): URLSearchParams {
  const params = settingsParams(settings);
  for (const name of PER_LINK) params.delete(name);
  if (!rememberSource) {
    for (const name of SOURCE) {
      params.delete(name);
      const before = kept.get(name);
      if (before !== null) params.set(name, before);
    }
  }
  return params;
}

export function writeUrlSettings(settings: Settings, rememberSource = true): void {
  const url = new URL(location.href);
  url.search = settingsParams(settings).toString();
  if (url.href !== location.href) history.replaceState(null, '', url);
  try {
    localStorage.setItem(SAVED, settingsToKeep(settings, saved(), rememberSource).toString());
  } catch {
    // Not remembered; the link still carries them.
  }
}
