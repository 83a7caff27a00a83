/** What the browser says of the device that matters before a download (Chromium-only APIs; absent elsewhere). */
import { NO_HINTS, type DeviceHints } from '../../shared/consent.ts';

export function deviceHints(): DeviceHints {
  const nav = navigator as Navigator & { connection?: { saveData?: boolean }; deviceMemory?: number };
  const memory = nav.deviceMemory;
  return {
    saveData: nav.connection?.saveData === true,
    deviceMemoryGiB: typeof memory === 'number' && memory > 0 ? memory : NO_HINTS.deviceMemoryGiB,
  };
}
