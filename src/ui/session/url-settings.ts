/** The page's address bar as the home of its settings: read once at start, rewritten on every change. */
import { parseSettings, settingsParams, type ParsedSettings, type Settings } from '../../shared/settings.ts';

export function readUrlSettings(): ParsedSettings {
  return parseSettings(new URLSearchParams(location.search), location.origin);
}

export function writeUrlSettings(settings: Settings): void {
  const url = new URL(location.href);
  url.search = settingsParams(settings).toString();
  if (url.href !== location.href) history.replaceState(null, '', url);
}
