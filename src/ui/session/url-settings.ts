/**
 * Where the settings live on the page: the address bar (so a link reproduces them) and the
 * browser's storage (so a later visit to the bare app, or to a link that names only some of them,
 * finds the rest as the person left them). The link wins where it says something.
 */
import { parseSettings, settingsParams, type ParsedSettings, type Settings } from '../../shared/settings.ts';

const SAVED = 'zero-shot-classifier settings';
/** Not kept between visits: the language has its own remembered choice; a simulated failure is a one-off. */
const PER_LINK = ['lang', 'simulate'];

function saved(): URLSearchParams {
  try {
    return new URLSearchParams(localStorage.getItem(SAVED) ?? '');
  } catch {
    return new URLSearchParams(); // Storage blocked: the link alone.
  }
}

export function readUrlSettings(): ParsedSettings {
  const params = saved();
  const link = new URLSearchParams(location.search);
  // A model and its host go together: a link that names either takes neither from storage.
  if (link.has('model') || link.has('host')) {
    params.delete('model');
    params.delete('host');
  }
  for (const [name, value] of link) params.set(name, value);
  return parseSettings(params, location.origin);
}

export function writeUrlSettings(settings: Settings): void {
  const params = settingsParams(settings);
  const url = new URL(location.href);
  url.search = params.toString();
  if (url.href !== location.href) history.replaceState(null, '', url);
  for (const name of PER_LINK) params.delete(name);
  try {
    localStorage.setItem(SAVED, params.toString());
  } catch {
    // Not remembered; the link still carries them.
  }
}
