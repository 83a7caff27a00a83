/** How long typing must pause before the app acts on it; `npm run bench` reads them too. */

/** Labels apply, and a search is sent, once typing pauses this long (ms). */
export const TYPING_DEBOUNCE_MS = 250;
/** Labels not applied yet are encoded ahead once typing pauses this long (ms). */
export const PREPARE_PAUSE_MS = 120;
