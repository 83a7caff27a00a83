/**
 * A model whose stored files are verified after it is ready. The first model runs from files whose
 * length was checked; their SHA-256 is checked in the background, and when one is damaged the
 * model is loaded again (the damaged files downloaded afresh) and takes the first one's place.
 * Encodes wait for the check, so nothing is computed, or cached, from a damaged file.
 */
import type { StorageNotice } from '../../shared/types.ts';
import type { LoadedModel } from './loaded-model.ts';

/**
 * `first`, until `repair` settles: it resolves to null when every file was whole, or to the model
 * loaded again, which then replaces `first`. The result's `notices` settles with the new model's
 * storage notices after a repair, null otherwise.
 */
export function repairingModel(first: LoadedModel, repair: () => Promise<LoadedModel | null>): LoadedModel {
  let current = first;
  const repaired = repair().then((fresh) => {
    if (!fresh) return null;
    const old = current;
    current = fresh;
    void old.dispose().catch(() => undefined);
    return fresh.info.notices;
  });
  const checked = async () => {
    await repaired;
    return current;
  };
  return {
    get info() {
      return current.info;
    },
    get calibration() {
      return current.calibration;
    },
    get neutral() {
      return current.neutral;
    },
    lost: first.lost,
    notices: repaired.catch((): StorageNotice[] | null => null),
    encodeTexts: async (texts) => (await checked()).encodeTexts(texts),
    encodeImages: async (images) => (await checked()).encodeImages(images),
    dispose: async () => {
      await repaired.catch(() => undefined);
      await current.dispose();
    },
  };
}
