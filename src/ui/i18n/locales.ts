/**
 * The interface in English and Simplified Chinese: every string a person reads comes from here.
 * `zh` is typed as `Messages`, so a string missing from it fails type-checking. The language comes
 * from `?lang=`, then the person's last choice, then the browser's languages.
 */
import type { SelfCheckMismatch } from '../../shared/failures.ts';
import type { LongLabel } from '../../shared/labels.ts';

export type Locale = 'en' | 'zh';
export const LOCALES: readonly { value: Locale; name: string }[] = [
  { value: 'en', name: 'English' },
  { value: 'zh', name: '简体中文' },
];

const s = (n: number) => (n === 1 ? '' : 's');
const megapixels = (pixels: number) => String(Math.round(pixels / 1e6));
const listEn = (items: readonly string[]) => `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

/** `75` → `1 min 15 s`; rounded to what a person plans by. */
function durationEn(seconds: number): string {
  const whole = Math.max(1, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min ${whole % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function durationZh(seconds: number): string {
  const whole = Math.max(1, Math.round(seconds));
  if (whole < 60) return `${whole} 秒`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} 分 ${whole % 60} 秒`;
  return `${Math.floor(minutes / 60)} 小时 ${minutes % 60} 分`;
}

const en = {
  appTitle: 'Zero-shot image classifier',
  tagline:
    'Drop images, type labels, see how well each label fits. The model runs on your device: images never leave your browser.',
  footer: 'Powered by transformers.js and ONNX Runtime Web.',
  language: 'Language',
  // Model status
  modelRegion: 'Model',
  preparing: (model: string, gpu: boolean) =>
    `Preparing model ${model}… (${gpu ? 'a first run compiles the GPU shaders' : 'a first run warms it up'})`,
  loadingWaiting: (model: string) => `Loading model ${model}… waiting for another tab that is loading it.`,
  loading: (model: string) => `Loading model ${model}…`,
  loadingStored: (model: string, percent: number) =>
    `Loading model ${model}… from this device's storage (${percent}%).`,
  loadingDownload: (model: string, size: string, percent: number) =>
    `Loading model ${model}… downloading ${size} (${percent}%).`,
  ready: (model: string, backend: string, dtype: string, joint: boolean, busy: number) =>
    `Model ready: ${model} (${backend}, ${dtype}${joint ? ', joint model' : ''}).` +
    (busy > 0 ? ` Classifying ${busy} image${s(busy)}…` : ''),
  wasmThreads: (threads: number) => `WASM, ${threads} thread${s(threads)}`,
  notLoaded: (model: string) => `Model not loaded: ${model}.`,
  cancelled: (model: string) => `Download cancelled: ${model}. Nothing partial was kept.`,
  cancel: 'Cancel',
  download: 'Download',
  retry: 'Retry',
  allFiles: 'All files',
  modelDownload: 'Model download',
  stored: (size: string) => `${size} stored`,
  ofSize: (loaded: string, total: string) => `${loaded} of ${total}`,
  webgpuFailed: (reason: string) => `WebGPU failed: ${reason}; running on the CPU (WASM).`,
  webgpuSelfCheck: ({ output, cosine, needed }: SelfCheckMismatch) =>
    `its ${output} embedding of a probe image disagrees with the CPU’s (cosine ${cosine.toFixed(3)}, needs ${needed})`,
  useDefault: 'Using the default instead.',
  // Load errors
  hubUnreachable: (model: string) =>
    `Couldn't reach the Hugging Face Hub (huggingface.co) to download ${model}. Check your internet connection, or set a model host (a mirror or your own server) in Settings.`,
  hostUnreachable: (host: string, model: string) =>
    `Couldn't reach the model host ${host} to download ${model}. Check the address in Settings and your connection.`,
  hub: 'the Hugging Face Hub (huggingface.co)',
  modelNotFound: (model: string, where: string, detail: string) =>
    `${model} was not found on ${where}, or a file it needs is missing. (${detail})`,
  downloadFailed: (model: string, detail: string) =>
    `Download of ${model} failed: ${detail} Nothing partial was kept; Retry downloads it again.`,
  unsupportedModel: (model: string, type: string) =>
    `${model} is a “${type}” model, not a zero-shot image classification model this app can run (CLIP, SigLIP or Chinese-CLIP). Pick a model from the catalogue in Settings, or the Hub id of such a model in transformers.js format.`,
  downloadLost: (file: string, amount: string) => `${file}: the connection was lost after ${amount}.`,
  downloadShort: (file: string, amount: string) => `${file}: the download stopped after ${amount}.`,
  protocolMismatch: 'The app was updated while this page was open. Reload the page to continue.',
  workerCrashed: (detail: string) => `The classifier stopped unexpectedly (${detail}). Retry, or reload the page.`,
  loadFailed: (model: string, detail: string) => `The model ${model} could not be loaded: ${detail}`,
  downloadLong: (file: string, planned: string) => `${file}: the host sent more than the ${planned} it announced.`,
  downloadCapped: (file: string, cap: string) =>
    `${file}: the host sent more than ${cap}, the most this app accepts here, so the download was stopped.`,
  hashMismatch: (model: string, file: string) =>
    `${file} of ${model} does not match the checksum its host gave for it, so it was neither stored nor run. The host may be serving a damaged or altered file: try again later, or another host.`,
  fileNotPlanned: (model: string, file: string) =>
    `${model} asked for ${file}, which is not among the files shown before the download, so it was refused. The model needs files this app does not download (such as external weight data).`,
  outOfMemory: (model: string, detail: string) =>
    `${model} ran out of memory (${detail}). Try a smaller precision (q8) or a smaller model in Settings.`,
  // Asking before a download
  hostNote: (host: string) => `Host: ${host}.`,
  consentStatus: (model: string, size: string, host: string) =>
    `Waiting for your go-ahead to download ${model} (${size}) from ${host}.`,
  consentTitle: (model: string) => `Download ${model}?`,
  consentHost: 'Host',
  consentModel: 'Model',
  consentSize: 'Download',
  consentSizeValue: (size: string, files: number) => `${size} (${files} file${s(files)})`,
  consentSizeNotKnown: (fileCap: string, totalCap: string) =>
    `Not known yet: at most ${totalCap} in all, ${fileCap} a file`,
  consentSizeSomeUnknown: (size: string, files: number, unknown: number, fileCap: string, totalCap: string) =>
    `${size} (${files} file${s(files)}), ${unknown} of them of unknown size: at most ${fileCap} each, ${totalCap} in all`,
  consentSizeUnknownShort: 'size not known yet',
  consentNothingAsked: (host: string) =>
    `Nothing has been requested from ${host} yet, not even the model’s description: its files and their sizes are known only once you agree.`,
  consentForeignHost:
    'This host is neither the Hugging Face Hub nor this app’s own server. Whoever runs it chooses the model’s weights, and so the scores you will see: download only from a host you trust.',
  consentNotCatalogued:
    'This model is not in the app’s catalogue: anyone can publish a model on the Hub. Download it only if you trust its author.',
  consentLarge: 'This is a large download (over 300 MB).',
  consentSaveData: 'Your browser asks to save data.',
  consentMemory: (need: string, have: string) =>
    `It needs about ${need} of memory while it runs; this device reports ${have}, so it may not fit. A smaller precision or model would.`,
  useSmallerPrecision: (dtype: string) => `Use ${dtype} instead`,
  useSmallerModel: (name: string, size: string) => `Use ${name} (${size}) instead`,
  // Recovery
  recoveredCrash: (detail: string) =>
    `The classifier stopped unexpectedly (${detail}). It was restarted: the model was loaded again from this device and unfinished images were queued again.`,
  recoveredHang: (detail: string) =>
    `The classifier stopped answering (${detail}). It was restarted: the model was loaded again from this device and unfinished images were queued again.`,
  recoveredMemory: (detail: string) =>
    `The classifier ran out of memory (${detail}) and was restarted. Try a smaller precision (q8) or a smaller model in Settings, then “Retry failed images”.`,
  isolationPending:
    'This page will reload once, to run on several threads; it waits until loading and classifying are done.',
  // Storage notices
  storageUnavailableNotice: (model: string) =>
    `Model storage is unavailable in this window (private browsing or blocked site data): ${model} runs without being stored and will be downloaded again next time.`,
  quotaNotice: (model: string) =>
    `Not enough storage space to keep ${model}: it runs from memory for this session and will be downloaded again next time. Free space under Storage below.`,
  storeFailedNotice: (model: string, detail: string) =>
    `${model} could not be stored (${detail}); it runs from memory and will be downloaded again next time.`,
  storedGraphRejected: (files: string[], model: string, detail: string) =>
    `${files.join(', ')} of ${model} could not be read by ONNX Runtime (${detail}): deleted from storage, downloading again.`,
  repairedNotice: (files: string[], model: string) =>
    `${files.join(', ')} of ${model} ${files.length === 1 ? 'was' : 'were'} damaged in storage and downloaded again.`,
  // Settings
  settings: 'Settings',
  modelCatalogue: 'Model catalogue',
  anotherModel: 'Another model (type its id below)',
  catalogueEntry: (name: string, size: string | null, dtype: string, accuracy: number | null) =>
    `${name} — ${size === null ? 'size unknown' : `${size} MB (${dtype})`}, ${accuracy === null ? 'ImageNet accuracy not published' : `${accuracy}% ImageNet zero-shot`}`,
  anyModelHint: 'Any CLIP, SigLIP or Chinese-CLIP model in transformers.js format (with an onnx/ folder) on the host.',
  modelId: 'Model id',
  modelHost: 'Model host (mirror)',
  hostHint: (pattern: string) => `Files are fetched from ${pattern}; leave the host empty for the Hugging Face Hub.`,
  backend: 'Backend',
  deviceAuto: 'Automatic (WebGPU on a real GPU, else WASM)',
  deviceWasm: 'WASM (CPU)',
  precision: 'Precision',
  precisionAuto: 'Automatic (best for the backend)',
  badModelId: (id: string) => `“${id}” is not a model id like “Xenova/clip-vit-base-patch32”.`,
  badHost: (host: string) => `“${host}” is not a web address (it should start with https:// or /).`,
  badHostParam: (host: string) => `“${host}” is not a web address the model can be downloaded from.`,
  loadModel: 'Load model',
  importFolder: 'Import a model folder',
  importHint:
    'For machines without internet: pick a model’s folder (as downloaded from the Hub, with config.json and onnx/). It is copied into this browser’s storage and works offline.',
  importing: (count: number) => `Importing ${count} files…`,
  imported: (model: string, files: number, size: string) =>
    `Imported ${model}: ${files} files, ${size}. It works offline from now on.`,
  importFailed: (detail: string) => `The folder could not be imported: ${detail}`,
  importNeedsStorage: 'Importing needs this browser’s storage, which is unavailable here.',
  importNoConfig: (folder: string) =>
    `“${folder}” has no config.json. Pick the folder of a model in transformers.js format (config.json, tokenizer.json, onnx/…).`,
  importNoOnnx: (folder: string) =>
    `“${folder}” has no ONNX model files (onnx/*.onnx). Pick the folder of a model in transformers.js format (config.json, tokenizer.json, onnx/…).`,
  // Images in
  dropZone: 'Image drop zone: drop images here, or press Enter to choose files',
  dropTitle: 'Drop images or a folder here',
  dropHintBefore: 'or ',
  chooseFiles: 'choose files',
  dropHintAfter: ', or paste (Ctrl+V) — they stay on this device',
  addImages: 'Add images',
  skippedFiles: (n: number) =>
    `${n} file${s(n)} in the folder ${n === 1 ? 'was' : 'were'} not images and ${n === 1 ? 'was' : 'were'} left out.`,
  imageUrl: 'Image URL',
  addFromUrl: 'Add from URL',
  fetching: 'Fetching…',
  urlNotAddress: (text: string) => `“${text}” is not a web address.`,
  urlNotHttp: (text: string) => `“${text}” is not an http(s) address.`,
  urlForbidden: (host: string) =>
    `${host} did not allow this page to download the image (or could not be reached). Many sites forbid it (CORS): save the image and drop the file here instead.`,
  urlStatus: (url: string, status: string) => `${url} answered ${status}.`,
  urlNotImage: (url: string, type: string) => `${url} is not an image (it is ${type}).`,
  urlTooLarge: (url: string, mb: number) =>
    `${url} sends more than ${mb} MB: too large for an image. Nothing was added.`,
  urlTimedOut: (host: string, seconds: number) =>
    `${host} did not send the image within ${seconds} s. Try again, or save the image and drop the file here.`,
  takePhoto: 'Take a photo',
  closeCamera: 'Close camera',
  capture: 'Capture',
  cameraPreview: 'Camera preview',
  cameraDenied: 'The camera was not allowed. Allow it in the browser’s site settings to take a photo.',
  cameraMissing: 'No camera was found on this device.',
  cameraFailed: (detail: string) => `The camera could not be started (${detail}).`,
  cameraPhotoName: (n: number) => `camera photo ${n}.png`,
  pastedName: (n: number) => `pasted image ${n}`,
  // Labels and prompts
  labels: 'Candidate labels',
  labelsHint: 'Separate labels with commas or new lines; quote a label that contains a comma:',
  mergedDuplicates: (labels: string[]) => `Merged duplicate label${s(labels.length)}: ${labels.join(', ')}.`,
  overLimit: (max: number, extra: number) => `Only the first ${max} labels are used; ${extra} more were left out.`,
  labelsTooLong: (labels: readonly LongLabel[], max: number) =>
    `Labels are at most ${max} characters; left out: ${labels
      .slice(0, 3)
      .map(({ start, length }) => `“${start}…” (${length.toLocaleString('en')} characters)`)
      .join(', ')}${labels.length > 3 ? ` and ${labels.length - 3} more` : ''}.`,
  labelsNotKept: (max: number) =>
    `Over ${max.toLocaleString('en')} characters of labels: they are used now, but not kept in the link or for your next visit.`,
  templateTooLong: (max: number, fallback: string) =>
    `The prompt template is longer than ${max} characters: “${fallback}” is used until it is shortened.`,
  singleLabel: 'With a single label its score is always 100%: add another label to compare.',
  noLabels: 'Type at least two labels to classify your images.',
  template: 'Prompt template',
  templateHint: 'is replaced by each label.',
  ensemble: (n: number) => `Prompt ensemble: average ${n} templates`,
  ensembleList: 'Templates averaged (OpenAI’s prompt-engineering set)',
  scores: 'Scores',
  anyThatApply: 'Any that apply',
  pickOne: 'Pick one label',
  independentHint: 'Scores are independent: each says how well that one label applies, so they do not add up to 100%.',
  distributionHint: 'Scores are shared among the labels and add up to 100%: the best single label ranks first.',
  independentNotice:
    'Independent scores: each bar is how well that one label applies, on its own. They do not add up to 100%.',
  // Results
  imagesHeading: (n: number) => `${n} image${s(n)}`,
  view: 'View',
  grid: 'Grid',
  table: 'Table',
  exportCsv: 'Export CSV',
  exportJson: 'Export JSON',
  clearAll: 'Clear all',
  classifiedAnnouncement: (done: number, total: number) => `${done} of ${total} images classified.`,
  waitingForModel: 'Waiting for a model.',
  waitingForLoad: 'Waiting for the model to load…',
  typeLabelsForImage: 'Type candidate labels to classify this image.',
  classifying: 'Classifying…',
  scoresFor: (name: string) => `Scores for ${name}`,
  remove: (name: string) => `Remove ${name}`,
  msPerImage: (ms: string, backend: string) => `${ms} ms per image on ${backend}`,
  showAll: (n: number) => `Show all ${n} labels`,
  showTop: (n: number) => `Show the top ${n}`,
  noteAnimated: 'Animated image: classified from its first frame.',
  noteDownscaled: (width: number, height: number) => `Large image (${width} × ${height}): downscaled while decoding.`,
  tableCaption: 'Scores of each image for each label; sort by any column.',
  tableImage: 'Image',
  sortBy: (label: string) => `Sort by ${label}`,
  queueProgress: 'Classification progress',
  queueStopped: (done: number, total: number) => `Stopped: ${done} of ${total} images done`,
  queueRunning: (done: number, total: number) => `Classifying: ${done} of ${total} images done`,
  classifyRest: 'Classify the rest',
  cancelClassification: 'Cancel classification',
  work: (prompts: number, images: number, reused: number) =>
    `Encoded ${prompts} prompt${s(prompts)} and ${images} image${s(images)}; reused ${reused} cached embedding${s(reused)}.`,
  // Image errors
  imageUnreadable: (name: string, reason: string) => `${name} couldn't be read: ${reason}.`,
  imageFailed: (name: string, detail: string) => `${name}: classification failed (${detail}).`,
  reasonEmpty: 'the file is empty (0 bytes)',
  reasonUnsupported: (format: string, formats: readonly string[]) =>
    `it is a ${format} image, which this browser cannot decode. Save it as JPEG or PNG and add it again (formats that work: ${listEn(formats)})`,
  reasonNotImage: (formats: readonly string[]) =>
    `it is not an image this browser can read; formats that work: ${listEn(formats)}`,
  reasonDamaged: (format: string) => `the ${format} data is damaged or incomplete`,
  reasonTooLarge: (format: string, width: number, height: number, maxPixels: number) =>
    `it is a ${format} of ${width} × ${height} pixels (${megapixels(width * height)} megapixels); images other than JPEG are read up to ${megapixels(maxPixels)} megapixels, as decoding takes their whole size in memory. Save it smaller, or as JPEG, and add it again`,
  stoppedReading: (name: string) =>
    `${name} was not read again: it was being read when the page stopped last time, and may be what stopped it. To try again, remove it and add it again.`,
  // Library
  imagesAndLabels: 'Images and labels',
  done: 'Done',
  select: (name: string) => `Select ${name}`,
  alsoAddedAs: (names: readonly string[]) => `Also added as ${names.join(', ')}`,
  fromLibrary: 'Scored from the library (no new vision pass)',
  openFolder: 'Open folder',
  folders: 'Folders in the library',
  folderEntry: (name: string, images: number) => `${name} (${images} image${s(images)})`,
  rescan: 'Rescan',
  rescanFolder: (name: string) => `Rescan ${name}`,
  rescanned: (name: string, added: number, removed: number, moved: number) =>
    `Rescanned ${name}: ${added} new or changed, ${removed} removed${moved > 0 ? `, ${moved} moved or renamed` : ''}.`,
  folderPermission: (name: string) => `Reading ${name} was not allowed. Rescan asks again.`,
  filterLabel: 'Show',
  filterAll: 'All images',
  filterTop: (label: string, n: number) => `Top label: ${label} (${n})`,
  filterFailed: (n: number) => `Could not be classified (${n})`,
  filterPending: (n: number) => `Not classified yet (${n})`,
  sortLabel: 'Sort',
  sortAdded: 'Order added',
  sortName: 'Name',
  sortScore: (label: string) => `Score for ${label}, highest first`,
  selection: 'Selected images',
  selected: (n: number) => `${n} selected`,
  removeSelected: 'Remove selected',
  clearSelection: 'Clear selection',
  clearLibraryTitle: 'Remove every image from the library?',
  clearLibraryBody: (n: number) =>
    `This removes ${n} image${s(n)} from the library. They wait in the trash, with their thumbnails, kept copies and scores, for 30 days or until you empty it. Your files are not touched.`,
  clearLibraryConfirm: 'Remove all',
  pace: (perSecond: number, secondsLeft: number) =>
    `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)} images/s, about ${durationEn(secondsLeft)} left`,
  stoppedHere: 'Classification was stopped before this image.',
  retryFailed: 'Retry failed images',
  nothingMatches: 'No image matches this filter.',
  emptyTitle: 'Your library is empty',
  emptyHint:
    'Drop photos or a whole folder anywhere on this page, paste an image, or open a folder. They stay on this device, and the library is kept for your next visit.',
  fileNeeded: (name: string) =>
    `${name} must be added again to be classified with this model: its file was not kept (it was too large, or storage was full).`,
  folderAccess: (name: string, folder: string) => `${name}: allow access to the folder ${folder} (Rescan) to go on.`,
  libraryUnavailable:
    'The library cannot be kept in this window (private browsing or blocked site data): it lasts until the page is closed.',
  libraryQuota: 'Storage is full: some images are kept for this visit only. Free space under Settings → Storage.',
  libraryStoreFailed: 'Part of the library could not be saved: it lasts until the page is closed.',
  librarySize: (images: number, size: string) => `Library: ${images} image${s(images)}, ${size}`,
  deleteLibrary: 'Delete the library',
  // Trash, undo, write failures, persistent storage
  trash: 'Trash',
  trashTitle: 'Trash',
  trashHint: (days: number) =>
    `Removed images wait here, with their scores and corrections, for ${days} days or until you empty the trash.`,
  trashEmpty: 'The trash is empty.',
  trashedOn: (date: string) => `removed ${date}`,
  restore: (name: string) => `Restore ${name}`,
  emptyTrash: 'Empty trash',
  close: 'Close',
  movedToTrash: (n: number) => `Moved ${n} image${s(n)} to the trash.`,
  undo: 'Undo',
  deleteLibraryTitle: 'Delete the whole library?',
  deleteLibraryBody: (n: number, days: number) =>
    `All ${n} image${s(n)} go to the trash, where they stay for ${days} days or until you empty it. Your files are not touched.`,
  deleteLibraryConfirm: 'Move everything to the trash',
  writeReasonQuota: 'storage is full',
  writeReasonFailed: 'the browser’s database refused the write',
  writeFailedAdd: (names: string, reason: string) =>
    `Not kept (${reason}): ${names}. They are here for this visit only; add them again after freeing space.`,
  writeFailedRead: (names: string, reason: string) =>
    `The reading of ${names} was not kept (${reason}): after a reload they are read again.`,
  writeFailedEmbeddings: (names: string, reason: string) =>
    `Scores of ${names} were not kept (${reason}): after a reload they are encoded again.`,
  writeFailedCorrection: (names: string, reason: string) =>
    `A correction${names ? ` of ${names}` : ''} was not kept (${reason}).`,
  writeFailedFolder: (names: string, reason: string) =>
    `The folder ${names} was not kept (${reason}): open it again after a reload.`,
  writeFailedTrash: (names: string, reason: string) =>
    `Moving ${names} to the trash was not kept (${reason}): after a reload they are back in the library.`,
  writeFailedRestore: (names: string, reason: string) =>
    `Restoring ${names || 'images'} failed (${reason}): they are still in the trash.`,
  writeFailedPurge: (names: string, reason: string) =>
    `Deleting ${names || 'trashed images'} failed (${reason}): nothing was deleted.`,
  nameSeparator: ', ',
  namesAndMore: (names: string, more: number) => (more > 0 ? `${names} and ${more} more` : names),
  dismiss: 'Dismiss',
  persistAsked: (date: string, granted: boolean) =>
    granted
      ? `Persistent storage was asked for on ${date} and granted: the browser keeps the library until you delete it.`
      : `Persistent storage was asked for on ${date} and refused: the browser may clear the library when disk space runs low (an installed app is granted more easily).`,
  persistNotAsked: 'Persistent storage is asked for once the library holds its first image or correction.',
  backup: 'Backup',
  exportLibrary: 'Export library',
  includeKeptCopies: 'Include kept copies',
  importLibrary: 'Import library',
  exportingLibrary: 'Exporting the library…',
  libraryExported: (images: number, size: string) => `Library exported: ${images} image${s(images)}, ${size}.`,
  exportFailed: (detail: string) => `The library could not be exported: ${detail}`,
  restoringLibrary: (name: string) => `Restoring ${name}…`,
  libraryRestored: (images: number, duplicates: number, corrections: number) =>
    `Restored ${images} image${s(images)} and ${corrections} correction${s(corrections)}` +
    (duplicates > 0 ? `; ${duplicates} already in the library (merged).` : '.'),
  restoreSkipped: (count: number) =>
    `${count} image${s(count)} had not been read yet and their file${s(count)} ${count === 1 ? 'is' : 'are'} not in the backup: add ${count === 1 ? 'it' : 'them'} again.`,
  restoreFolders: (folders: readonly string[]) =>
    `Images of ${folders.length === 1 ? `the folder ${folders[0]}` : `the folders ${listEn(folders)}`} came back without the folder itself: open it again to rescan.`,
  backupNotABackup: (name: string) => `${name} is not a library backup of this app: nothing was changed.`,
  backupNewer: (name: string, version: number) =>
    `${name} was written by a newer version of this app (format ${version}): nothing was changed. Update the app to restore it.`,
  backupDamaged: (name: string, detail: string) => `${name} is damaged or incomplete (${detail}): nothing was changed.`,
  restoreFailed: (name: string, detail: string) => `${name} could not be restored (${detail}): nothing was changed.`,
  labelsChinese: (model: string) =>
    `Most of these labels are in Chinese, which ${model} was not trained on: their scores mean little.`,
  labelsEnglish: (model: string) =>
    `Most of these labels are in English, while ${model} was trained on Chinese: scores may mean little.`,
  useModel: (name: string) => `Use ${name}`,
  // Search, no match, sorting, corrections, heat maps
  searchImages: 'Search images',
  searchPlaceholder: 'Search your photos: “a dog on a beach”',
  searchResults: 'Search results',
  resultsFor: (text: string) => `Best matches for “${text}”`,
  picturesLike: (name: string) => `Pictures like ${name}`,
  backToLibrary: 'Back to the library',
  searching: 'Searching…',
  searchFailed: 'The search could not be run: the model is not ready.',
  searchExplained: (n: number) =>
    `All ${n} image${s(n)} with an embedding for this model, best first. The bar shows the similarity to your words (through the prompt template).`,
  similarity: (value: string) => `similarity ${value}`,
  matchStrong: 'Strong match',
  matchGood: 'Match',
  matchWeak: 'Weak match',
  showMoreResults: (n: number) => `Show ${n} more`,
  noMatchCutoff: 'No-match cutoff',
  cutoffValue: (cutoff: number) =>
    cutoff === 0 ? 'even with a generic prompt' : cutoff > 0 ? `stricter by ${cutoff}` : `more lenient by ${-cutoff}`,
  matchCounts: (matched: number, noMatch: number) => `${matched} match · ${noMatch} no match`,
  noMatchExplained:
    'An image is “no match” when its best label does not beat the generic prompt “a photo of a something.” by the cutoff (in the model’s own score units). Move right to be stricter.',
  noMatchBadge: 'No match: none of the labels fits well.',
  filterNoMatch: (n: number) => `No match (${n})`,
  noMatchFolder: 'no match',
  downloadZip: 'Download as ZIP',
  saveIntoFolders: 'Save into folders',
  savingIntoFolders: 'Saving into folders',
  exportTags: 'Export tags (XMP)',
  ofCount: (done: number, total: number) => `${done} of ${total}`,
  zipDone: (files: number, copies: number, missing: number) =>
    `ZIP ready: ${files} file${s(files)} in label folders` +
    (copies > 0 ? `, ${copies} from kept copies (the originals are not in this browser)` : '') +
    (missing > 0 ? `; ${missing} could not be included: add them again.` : '.'),
  savedIntoFolders: (files: number, folders: number, root: string, copies: number, missing: number, renamed: number) =>
    `Saved ${files} file${s(files)} into ${folders} folder${s(folders)} in ${root}` +
    (copies > 0 ? `, ${copies} from kept copies` : '') +
    (renamed > 0 ? `; ${renamed} under a numbered name, as the name was taken (nothing was replaced)` : '') +
    (missing > 0 ? `; ${missing} skipped, as this browser has no file for them: add them again.` : '.'),
  saveFailedFiles: (n: number, names: string) =>
    `${n} file${s(n)} could not be written (nothing half-written was left): ${names}.`,
  saveCancelled: (files: number) => `Cancelled after ${files} file${s(files)}; nothing half-written was left.`,
  zipCancelled: 'The ZIP was cancelled; nothing was saved.',
  cancelSaving: 'Cancel saving',
  destinationInLibrary: (picked: string, folder: string, same: boolean) =>
    `Nothing was saved: “${picked}” ${same ? 'is' : 'is inside'} the library folder “${folder}”, and copies there would mix with your originals. Pick another folder.`,
  tagsDone: (n: number, merged: number, leftOut: number, unchecked: number) =>
    `Tags for ${n} file${s(n)} (XMP sidecars, read by digiKam, darktable and Lightroom), laid out like your folders.` +
    (merged > 0
      ? ` ${merged} already had a sidecar: the ZIP holds it with the labels added, everything else kept.`
      : '') +
    (leftOut > 0
      ? ` ${leftOut} existing sidecar${s(leftOut)} could not be read and ${leftOut === 1 ? 'is' : 'are'} left out.`
      : '') +
    (unchecked > 0
      ? ` For ${unchecked} file${s(unchecked)} the app could not look next to the photo: unpacking there replaces any sidecar of the same name, so unpack into an empty folder first if you keep sidecars.`
      : ''),
  sortFailed: (detail: string) => `Sorting into folders failed: ${detail}`,
  correctLabelFor: (name: string) => `Correct label for ${name}`,
  correctPrompt: 'Correct the label…',
  undoCorrection: 'Undo correction',
  correctedTo: (label: string) => `Corrected: ${label}`,
  correctionsInUse: (n: number) =>
    n === 0
      ? 'No corrections in use. Correct a label on any image: pictures like it learn from it.'
      : `${n} correction${s(n)} in use: pictures like ${n === 1 ? 'it' : 'them'} lean toward the corrected label${s(n)}.`,
  forgetCorrections: 'Forget corrections',
  moreLikeThis: 'More like this',
  moreLike: (name: string) => `More like ${name}`,
  where: 'Where?',
  whereLabel: (label: string, name: string) => `Where does ${label} match in ${name}`,
  whereTitle: (label: string, name: string) => `Where “${label}” matches in ${name}`,
  whereWorking: (done: number, total: number) =>
    total > 0 ? `Scoring ${done} of ${total} parts of the picture…` : 'Looking at parts of the picture…',
  whereProgress: 'Parts of the picture scored',
  whereStrongest: (label: string, row: number, column: number) =>
    `“${label}” matches most strongly ${
      [
        ['at the top left', 'at the top', 'at the top right'],
        ['on the left', 'in the middle', 'on the right'],
        ['at the bottom left', 'at the bottom', 'at the bottom right'],
      ][row][column]
    }.`,
  whereFailed: (detail: string) => `The heat map could not be made: ${detail}`,
  weaker: 'weaker',
  stronger: 'stronger',
  // Storage panel
  storage: 'Storage',
  storageUnavailable:
    'Model storage is unavailable in this window (private browsing or blocked site data): models are downloaded on every visit.',
  usage: (used: string, quota: string) => `${used} used of ${quota} available to this site.`,
  noStoredModels: 'No models stored on this device yet.',
  storedModels: 'Stored models',
  from: (host: string) => ` from ${host}`,
  filesSize: (size: string, files: number) => `${size} in ${files} file${s(files)}`,
  lastUsed: (date: string) => `last used ${date}`,
  delete: 'Delete',
  deleteModel: (model: string) => `Delete ${model}`,
  persistent: 'Stored models are persistent: the browser keeps them until you delete them.',
  notPersistent: 'Stored models are not persistent yet: the browser may clear them when disk space runs low.',
  keepStored: 'Keep stored models',
  persistGranted: 'Granted: the browser will keep stored models until you delete them.',
  persistDenied:
    'Not granted: the browser may still clear stored models when disk space runs low (browsers grant this more readily to installed apps).',
  // Updates
  updateAvailable: 'Update available: a new version of the app is ready.',
  reloadToUpdate: 'Reload to update',
  later: 'Later',
  // dupes strings
  findDuplicates: 'Find duplicates',
  duplicateGroups: 'Duplicate groups',
  duplicatesHint: 'The same file under other names, and photos that look alike (resized or re-encoded copies).',
  duplicateCutoff: 'Near-duplicate cutoff',
  duplicateCutoffHint: (value: string) => `Photos whose embeddings agree at least ${value} (cosine) are grouped.`,
  noDuplicates: 'No duplicates found.',
  duplicateGroup: (count: number) => `${count} photos`,
  keepOnly: (name: string) => `Keep ${name}`,
  duplicatesFailed: (detail: string) => `Duplicates could not be found: ${detail}`,
  // the photo tool: tools drawer, grid and viewer
  tools: 'Tools',
  closeTools: 'Close tools',
  photos: 'Photos',
  photosHint: 'Arrow keys move, Enter opens, Space selects, Shift selects a range, Ctrl+A selects all.',
  previous: 'Previous',
  next: 'Next',
  photoPosition: (index: number, total: number) => `${index} of ${total}`,
  exportSelection: (n: number) => `Only the selection (${n} photo${s(n)}) is exported and sorted.`,
  // Test this device
  testDevice: 'Test this device',
  testDeviceHint:
    'Runs vision passes, a text pass and a search on the loaded model, on each backend this browser has. Nothing leaves your device.',
  testDeviceWaiting: 'Waiting for the classification to finish…',
  testDeviceRunning: 'Testing… (a second backend loads the model again from storage)',
  testDeviceFailed: (detail: string) => `The test could not run: ${detail}`,
  testDeviceNeedsModel: 'Load a model first.',
  deviceTestResults: 'Device test results',
  deviceTestColumns: {
    backend: 'Backend',
    imagesPerSecond: 'Images per second',
    vision: 'Vision pass (ms per image)',
    text: 'Text pass (ms)',
    search: 'Search (ms)',
    setup: 'Model, precision, threads',
    adapter: 'Adapter',
  },
  searchedPhotos: (ms: string, n: number) => `${ms} (${n} photo${s(n)})`,
  copyResults: 'Copy results',
  copied: 'Copied.',
};

export type Messages = typeof en;

const zh: Messages = {
  appTitle: '零样本图像分类器',
  tagline: '拖入图片、输入标签，看看每个标签有多贴切。模型在你的设备上运行：图片从不离开你的浏览器。',
  footer: '由 transformers.js 和 ONNX Runtime Web 驱动。',
  language: '语言',
  modelRegion: '模型',
  preparing: (model, gpu) => `正在准备模型 ${model}…（${gpu ? '首次运行会编译 GPU 着色器' : '首次运行用于预热'}）`,
  loadingWaiting: (model) => `正在加载模型 ${model}… 等待另一个正在加载它的标签页。`,
  loading: (model) => `正在加载模型 ${model}…`,
  loadingStored: (model, percent) => `正在加载模型 ${model}… 从本设备的存储读取（${percent}%）。`,
  loadingDownload: (model, size, percent) => `正在加载模型 ${model}… 下载 ${size}（${percent}%）。`,
  ready: (model, backend, dtype, joint, busy) =>
    `模型就绪：${model}（${backend}，${dtype}${joint ? '，联合模型' : ''}）。` +
    (busy > 0 ? ` 正在分类 ${busy} 张图片…` : ''),
  wasmThreads: (threads) => `WASM，${threads} 个线程`,
  notLoaded: (model) => `模型未加载：${model}。`,
  cancelled: (model) => `已取消下载：${model}。未保留任何不完整的文件。`,
  cancel: '取消',
  download: '下载',
  retry: '重试',
  allFiles: '全部文件',
  modelDownload: '模型下载',
  stored: (size) => `已存储 ${size}`,
  ofSize: (loaded, total) => `${loaded} / ${total}`,
  webgpuFailed: (reason) => `WebGPU 失败：${reason}；改用 CPU（WASM）运行。`,
  webgpuSelfCheck: ({ output, cosine, needed }) =>
    `探测图像的${output === 'image' ? '图像' : '文本'}嵌入与 CPU 的结果不一致（余弦 ${cosine.toFixed(3)}，需要 ${needed}）`,
  useDefault: '已改用默认值。',
  hubUnreachable: (model) =>
    `无法连接 Hugging Face Hub（huggingface.co）下载 ${model}。请检查网络连接，或在“设置”中指定模型主机（镜像或你自己的服务器）。`,
  hostUnreachable: (host, model) => `无法连接模型主机 ${host} 下载 ${model}。请检查“设置”中的地址和网络连接。`,
  hub: 'Hugging Face Hub（huggingface.co）',
  modelNotFound: (model, where, detail) => `在 ${where} 上找不到 ${model}，或缺少它需要的文件。（${detail}）`,
  downloadFailed: (model, detail) => `${model} 下载失败：${detail} 未保留任何不完整的文件；点“重试”重新下载。`,
  unsupportedModel: (model, type) =>
    `${model} 是“${type}”模型，不是本应用能运行的零样本图像分类模型（CLIP、SigLIP 或 Chinese-CLIP）。请从“设置”的模型目录中选择，或输入 transformers.js 格式的此类模型的 Hub id。`,
  downloadLost: (file, amount) => `${file}：下载 ${amount} 后连接中断。`,
  downloadShort: (file, amount) => `${file}：下载在 ${amount} 处停止。`,
  protocolMismatch: '此页面打开期间应用已更新。请重新加载页面以继续。',
  workerCrashed: (detail) => `分类器意外停止（${detail}）。请重试，或重新加载页面。`,
  loadFailed: (model, detail) => `无法加载模型 ${model}：${detail}`,
  downloadLong: (file, planned) => `${file}：主机发送的数据超过了它声明的 ${planned}。`,
  downloadCapped: (file, cap) => `${file}：主机发送的数据超过了 ${cap}，这是本应用在此接受的上限，因此下载已停止。`,
  hashMismatch: (model, file) =>
    `${model} 的 ${file} 与其主机给出的校验和不一致，因此既未保存也未运行。主机可能提供了损坏或被篡改的文件：请稍后重试，或换一个主机。`,
  fileNotPlanned: (model, file) =>
    `${model} 请求了 ${file}，该文件不在下载前列出的文件中，因此被拒绝。这个模型需要本应用不会下载的文件（例如外部权重数据）。`,
  outOfMemory: (model, detail) => `${model} 内存不足（${detail}）。请在“设置”中改用更小的精度（q8）或更小的模型。`,
  hostNote: (host) => `主机：${host}。`,
  consentStatus: (model, size, host) => `等待你同意从 ${host} 下载 ${model}（${size}）。`,
  consentTitle: (model) => `下载 ${model}？`,
  consentHost: '主机',
  consentModel: '模型',
  consentSize: '下载量',
  consentSizeValue: (size, files) => `${size}（${files} 个文件）`,
  consentSizeNotKnown: (fileCap, totalCap) => `尚不知道：总共最多 ${totalCap}，每个文件最多 ${fileCap}`,
  consentSizeSomeUnknown: (size, files, unknown, fileCap, totalCap) =>
    `${size}（${files} 个文件），其中 ${unknown} 个大小未知：每个最多 ${fileCap}，总共最多 ${totalCap}`,
  consentSizeUnknownShort: '大小尚不知道',
  consentNothingAsked: (host) =>
    `尚未向 ${host} 发出任何请求，连模型的说明也没有：只有在你同意之后，才会知道它的文件和大小。`,
  consentForeignHost:
    '这个主机既不是 Hugging Face Hub，也不是本应用自己的服务器。运行它的人决定模型的权重，也就决定了你将看到的分数：只从你信任的主机下载。',
  consentNotCatalogued: '这个模型不在本应用的模型目录中：任何人都可以在 Hub 上发布模型。只有在你信任其作者时才下载。',
  consentLarge: '这是一次大下载（超过 300 MB）。',
  consentSaveData: '你的浏览器要求节省流量。',
  consentMemory: (need, have) =>
    `运行时大约需要 ${need} 内存；这台设备报告为 ${have}，可能放不下。更小的精度或模型可以。`,
  useSmallerPrecision: (dtype) => `改用 ${dtype}`,
  useSmallerModel: (name, size) => `改用 ${name}（${size}）`,
  recoveredCrash: (detail) =>
    `分类器意外停止（${detail}）。它已重新启动：模型已从本设备重新加载，未完成的图片已重新排队。`,
  recoveredHang: (detail) =>
    `分类器停止响应（${detail}）。它已重新启动：模型已从本设备重新加载，未完成的图片已重新排队。`,
  recoveredMemory: (detail) =>
    `分类器内存不足（${detail}），已重新启动。请在“设置”中改用更小的精度（q8）或更小的模型，然后点“重试失败的图片”。`,
  isolationPending: '此页面将重新加载一次，以便使用多个线程运行；它会等到加载和分类完成。',
  storageUnavailableNotice: (model) =>
    `此窗口无法使用模型存储（隐私浏览或站点数据被阻止）：${model} 不会被存储，下次需要重新下载。`,
  quotaNotice: (model) =>
    `存储空间不足，无法保存 ${model}：本次会话在内存中运行，下次需要重新下载。可在下方“存储”中释放空间。`,
  storeFailedNotice: (model, detail) => `无法存储 ${model}（${detail}）；它在内存中运行，下次需要重新下载。`,
  storedGraphRejected: (files, model, detail) =>
    `ONNX Runtime 无法读取 ${model} 的 ${files.join('、')}（${detail}）：已从存储中删除，正在重新下载。`,
  repairedNotice: (files, model) => `${model} 的 ${files.join('、')} 在存储中已损坏，已重新下载。`,
  settings: '设置',
  modelCatalogue: '模型目录',
  anotherModel: '其他模型（在下方输入 id）',
  catalogueEntry: (name, size, dtype, accuracy) =>
    `${name} — ${size === null ? '大小未知' : `${size} MB（${dtype}）`}，${accuracy === null ? '未公布 ImageNet 准确率' : `ImageNet 零样本 ${accuracy}%`}`,
  anyModelHint: '主机上任何 transformers.js 格式（含 onnx/ 文件夹）的 CLIP、SigLIP 或 Chinese-CLIP 模型。',
  modelId: '模型 id',
  modelHost: '模型主机（镜像）',
  hostHint: (pattern) => `文件从 ${pattern} 获取；留空则使用 Hugging Face Hub。`,
  backend: '后端',
  deviceAuto: '自动（有真实 GPU 时用 WebGPU，否则 WASM）',
  deviceWasm: 'WASM（CPU）',
  precision: '精度',
  precisionAuto: '自动（按后端选择最佳）',
  badModelId: (id) => `“${id}”不是有效的模型 id（例如“Xenova/clip-vit-base-patch32”）。`,
  badHost: (host) => `“${host}”不是网址（应以 https:// 或 / 开头）。`,
  badHostParam: (host) => `“${host}”不是可以下载模型的网址。`,
  loadModel: '加载模型',
  importFolder: '导入模型文件夹',
  importHint:
    '适用于无法上网的电脑：选择一个模型文件夹（从 Hub 下载的，含 config.json 和 onnx/）。它会被复制到本浏览器的存储中，可离线使用。',
  importing: (count) => `正在导入 ${count} 个文件…`,
  imported: (model, files, size) => `已导入 ${model}：${files} 个文件，${size}。从现在起可离线使用。`,
  importFailed: (detail) => `无法导入该文件夹：${detail}`,
  importNeedsStorage: '导入需要使用本浏览器的存储，但这里无法使用。',
  importNoConfig: (folder) =>
    `“${folder}”中没有 config.json。请选择 transformers.js 格式的模型文件夹（config.json、tokenizer.json、onnx/…）。`,
  importNoOnnx: (folder) =>
    `“${folder}”中没有 ONNX 模型文件（onnx/*.onnx）。请选择 transformers.js 格式的模型文件夹（config.json、tokenizer.json、onnx/…）。`,
  dropZone: '图片拖放区：把图片拖到这里，或按 Enter 选择文件',
  dropTitle: '把图片或文件夹拖到这里',
  dropHintBefore: '或',
  chooseFiles: '选择文件',
  dropHintAfter: '，或粘贴（Ctrl+V）——图片只留在本设备上',
  addImages: '添加图片',
  skippedFiles: (n) => `文件夹中有 ${n} 个文件不是图片，已略过。`,
  imageUrl: '图片网址',
  addFromUrl: '从网址添加',
  fetching: '正在获取…',
  urlNotAddress: (text) => `“${text}”不是网址。`,
  urlNotHttp: (text) => `“${text}”不是 http(s) 网址。`,
  urlForbidden: (host) =>
    `${host} 不允许本页面下载该图片（或无法连接）。许多网站禁止这样做（CORS）：请保存图片后把文件拖到这里。`,
  urlStatus: (url, status) => `${url} 返回 ${status}。`,
  urlNotImage: (url, type) => `${url} 不是图片（而是 ${type}）。`,
  urlTooLarge: (url, mb) => `${url} 发送的数据超过 ${mb} MB，不像是一张图片。未添加任何内容。`,
  urlTimedOut: (host, seconds) => `${host} 在 ${seconds} 秒内没有发送图片。请重试，或保存图片后把文件拖到这里。`,
  takePhoto: '拍照',
  closeCamera: '关闭摄像头',
  capture: '拍摄',
  cameraPreview: '摄像头预览',
  cameraDenied: '摄像头未获允许。请在浏览器的网站设置中允许使用摄像头后再拍照。',
  cameraMissing: '本设备上没有找到摄像头。',
  cameraFailed: (detail) => `无法启动摄像头（${detail}）。`,
  cameraPhotoName: (n) => `摄像头照片 ${n}.png`,
  pastedName: (n) => `粘贴的图片 ${n}`,
  labels: '候选标签',
  labelsHint: '用逗号或换行分隔标签；含逗号的标签请加引号：',
  mergedDuplicates: (labels) => `已合并重复的标签：${labels.join('、')}。`,
  overLimit: (max, extra) => `只使用前 ${max} 个标签；其余 ${extra} 个已略过。`,
  labelsTooLong: (labels, max) =>
    `标签最多 ${max} 个字符；已略过：${labels
      .slice(0, 3)
      .map(({ start, length }) => `“${start}…”（${length} 个字符）`)
      .join('、')}${labels.length > 3 ? ` 等另外 ${labels.length - 3} 个` : ''}。`,
  labelsNotKept: (max) => `标签文字超过 ${max} 个字符：本次会使用，但不会保存在链接中，也不会保留到下次访问。`,
  templateTooLong: (max, fallback) => `提示模板超过 ${max} 个字符：在缩短之前使用“${fallback}”。`,
  singleLabel: '只有一个标签时它的分数总是 100%：再添加一个标签来比较。',
  noLabels: '至少输入两个标签来给图片分类。',
  template: '提示模板',
  templateHint: '会被替换为每个标签。',
  ensemble: (n) => `提示集成：平均 ${n} 个模板`,
  ensembleList: '参与平均的模板（OpenAI 提示工程的模板集）',
  scores: '分数',
  anyThatApply: '所有适用的',
  pickOne: '选出一个标签',
  independentHint: '分数相互独立：每个分数表示该标签本身有多适用，因此总和不是 100%。',
  distributionHint: '分数在标签之间分配，总和为 100%：最合适的单个标签排在最前。',
  independentNotice: '独立分数：每个条形表示该标签本身有多适用，总和不是 100%。',
  imagesHeading: (n) => `${n} 张图片`,
  view: '视图',
  grid: '网格',
  table: '表格',
  exportCsv: '导出 CSV',
  exportJson: '导出 JSON',
  clearAll: '全部清除',
  classifiedAnnouncement: (done, total) => `已分类 ${done} / ${total} 张图片。`,
  waitingForModel: '正在等待模型。',
  waitingForLoad: '正在等待模型加载…',
  typeLabelsForImage: '输入候选标签来给这张图片分类。',
  classifying: '正在分类…',
  scoresFor: (name) => `${name} 的分数`,
  remove: (name) => `移除 ${name}`,
  msPerImage: (ms, backend) => `每张图片 ${ms} 毫秒，运行于 ${backend}`,
  showAll: (n) => `显示全部 ${n} 个标签`,
  showTop: (n) => `只显示前 ${n} 个`,
  noteAnimated: '动图：按第一帧分类。',
  noteDownscaled: (width, height) => `大图（${width} × ${height}）：解码时已缩小。`,
  tableCaption: '每张图片对每个标签的分数；可按任一列排序。',
  tableImage: '图片',
  sortBy: (label) => `按 ${label} 排序`,
  queueProgress: '分类进度',
  queueStopped: (done, total) => `已停止：完成 ${done} / ${total} 张图片`,
  queueRunning: (done, total) => `正在分类：完成 ${done} / ${total} 张图片`,
  classifyRest: '继续分类其余图片',
  cancelClassification: '取消分类',
  work: (prompts, images, reused) => `编码了 ${prompts} 个提示和 ${images} 张图片；复用了 ${reused} 个缓存的嵌入。`,
  imageUnreadable: (name, reason) => `无法读取 ${name}：${reason}。`,
  imageFailed: (name, detail) => `${name}：分类失败（${detail}）。`,
  reasonEmpty: '文件是空的（0 字节）',
  reasonUnsupported: (format, formats) =>
    `这是 ${format} 图片，本浏览器无法解码。请另存为 JPEG 或 PNG 后再添加（可用的格式：${formats.join('、')}）`,
  reasonNotImage: (formats) => `这不是本浏览器能读取的图片；可用的格式：${formats.join('、')}`,
  reasonDamaged: (format) => `${format} 数据已损坏或不完整`,
  reasonTooLarge: (format, width, height, maxPixels) =>
    `这是 ${width} × ${height} 像素（${megapixels(width * height)} 百万像素）的 ${format} 图片；JPEG 以外的图片最多读取 ${megapixels(maxPixels)} 百万像素，因为解码会把整张图放进内存。请缩小或另存为 JPEG 后再添加`,
  stoppedReading: (name) =>
    `${name} 没有再次读取：上次页面停止时正在读取它，可能正是它让页面停止。要重试，请先移除它再重新添加。`,
  imagesAndLabels: '图片和标签',
  done: '完成',
  select: (name) => `选择 ${name}`,
  alsoAddedAs: (names) => `也以这些名称添加：${names.join('、')}`,
  fromLibrary: '由图库中已存储的嵌入打分（无需再次视觉计算）',
  openFolder: '打开文件夹',
  folders: '图库中的文件夹',
  folderEntry: (name, images) => `${name}（${images} 张图片）`,
  rescan: '重新扫描',
  rescanFolder: (name) => `重新扫描 ${name}`,
  rescanned: (name, added, removed, moved) =>
    `已重新扫描 ${name}：新增或更改 ${added} 个，移除 ${removed} 个${moved > 0 ? `，移动或重命名 ${moved} 个` : ''}。`,
  folderPermission: (name) => `未获准读取 ${name}。点“重新扫描”会再次询问。`,
  filterLabel: '显示',
  filterAll: '全部图片',
  filterTop: (label, n) => `最高标签：${label}（${n}）`,
  filterFailed: (n) => `无法分类（${n}）`,
  filterPending: (n) => `尚未分类（${n}）`,
  sortLabel: '排序',
  sortAdded: '添加顺序',
  sortName: '名称',
  sortScore: (label) => `按 ${label} 的分数从高到低`,
  selection: '已选图片',
  selected: (n) => `已选 ${n} 张`,
  removeSelected: '移除所选',
  clearSelection: '取消选择',
  clearLibraryTitle: '从图库中移除所有图片？',
  clearLibraryBody: (n) =>
    `这会从图库中移除 ${n} 张图片。它们连同缩略图、保留的副本和分数在回收站中保留 30 天，或直到你清空回收站。你的文件不受影响。`,
  clearLibraryConfirm: '全部移除',
  pace: (perSecond, secondsLeft) =>
    `每秒 ${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)} 张，大约还需 ${durationZh(secondsLeft)}`,
  stoppedHere: '分类在这张图片之前已停止。',
  retryFailed: '重试失败的图片',
  nothingMatches: '没有符合此筛选条件的图片。',
  emptyTitle: '图库是空的',
  emptyHint:
    '把照片或整个文件夹拖到本页任意位置、粘贴图片，或打开一个文件夹。它们只留在本设备上，图库会保留到你下次访问。',
  fileNeeded: (name) => `需要重新添加 ${name} 才能用此模型分类：它的文件未被保留（太大，或存储已满）。`,
  folderAccess: (name, folder) => `${name}：请允许访问文件夹 ${folder}（重新扫描）以继续。`,
  libraryUnavailable: '此窗口无法保存图库（隐私浏览或站点数据被阻止）：关闭页面后图库即消失。',
  libraryQuota: '存储已满：部分图片只在本次访问中保留。可在“设置 → 存储”中释放空间。',
  libraryStoreFailed: '图库的一部分无法保存：关闭页面后即消失。',
  librarySize: (images, size) => `图库：${images} 张图片，${size}`,
  deleteLibrary: '删除图库',
  trash: '回收站',
  trashTitle: '回收站',
  trashHint: (days) => `移除的图片连同分数和更正保留在这里 ${days} 天，或直到你清空回收站。`,
  trashEmpty: '回收站是空的。',
  trashedOn: (date) => `移除于 ${date}`,
  restore: (name) => `恢复 ${name}`,
  emptyTrash: '清空回收站',
  close: '关闭',
  movedToTrash: (n) => `已将 ${n} 张图片移到回收站。`,
  undo: '撤销',
  deleteLibraryTitle: '删除整个图库？',
  deleteLibraryBody: (n, days) => `全部 ${n} 张图片会移到回收站，保留 ${days} 天或直到你清空。你的文件不受影响。`,
  deleteLibraryConfirm: '全部移到回收站',
  writeReasonQuota: '存储空间已满',
  writeReasonFailed: '浏览器的数据库拒绝了写入',
  writeFailedAdd: (names, reason) => `未保存（${reason}）：${names}。它们只保留到本次访问结束；腾出空间后请重新添加。`,
  writeFailedRead: (names, reason) => `${names} 的读取结果未保存（${reason}）：重新加载后会再次读取。`,
  writeFailedEmbeddings: (names, reason) => `${names} 的分数未保存（${reason}）：重新加载后会再次编码。`,
  writeFailedCorrection: (names, reason) => `${names ? `${names} 的` : ''}更正未保存（${reason}）。`,
  writeFailedFolder: (names, reason) => `文件夹 ${names} 未保存（${reason}）：重新加载后请再次打开。`,
  writeFailedTrash: (names, reason) => `将 ${names} 移到回收站未保存（${reason}）：重新加载后它们会回到图库。`,
  writeFailedRestore: (names, reason) => `恢复 ${names || '图片'} 失败（${reason}）：它们仍在回收站中。`,
  writeFailedPurge: (names, reason) => `删除 ${names || '回收站中的图片'} 失败（${reason}）：没有删除任何内容。`,
  nameSeparator: '、',
  namesAndMore: (names, more) => (more > 0 ? `${names} 等另外 ${more} 个` : names),
  dismiss: '关闭提示',
  persistAsked: (date, granted) =>
    granted
      ? `已于 ${date} 申请持久存储并获准：浏览器会保留图库，直到你删除。`
      : `已于 ${date} 申请持久存储但未获准：磁盘空间不足时浏览器可能清除图库（已安装的应用更容易获准）。`,
  persistNotAsked: '图库有了第一张图片或第一个更正后，会申请持久存储。',
  backup: '备份',
  exportLibrary: '导出图库',
  includeKeptCopies: '包含保留的副本',
  importLibrary: '导入图库',
  exportingLibrary: '正在导出图库…',
  libraryExported: (images, size) => `图库已导出：${images} 张图片，${size}。`,
  exportFailed: (detail) => `无法导出图库：${detail}`,
  restoringLibrary: (name) => `正在恢复 ${name}…`,
  libraryRestored: (images, duplicates, corrections) =>
    `已恢复 ${images} 张图片和 ${corrections} 条更正` +
    (duplicates > 0 ? `；${duplicates} 张已在图库中（已合并）。` : '。'),
  restoreSkipped: (count) => `${count} 张图片尚未读取，且其文件不在备份中：请重新添加。`,
  restoreFolders: (folders) =>
    `文件夹 ${folders.join('、')} 中的图片已恢复，但文件夹本身无法恢复：请重新打开以便重新扫描。`,
  backupNotABackup: (name) => `${name} 不是本应用的图库备份：未做任何更改。`,
  backupNewer: (name, version) => `${name} 由更新版本的应用写入（格式 ${version}）：未做任何更改。请更新应用后再恢复。`,
  backupDamaged: (name, detail) => `${name} 已损坏或不完整（${detail}）：未做任何更改。`,
  restoreFailed: (name, detail) => `无法恢复 ${name}（${detail}）：未做任何更改。`,
  labelsChinese: (model) => `这些标签大多是中文，而 ${model} 没有用中文训练：它们的分数意义不大。`,
  labelsEnglish: (model) => `这些标签大多是英文，而 ${model} 是用中文训练的：分数可能意义不大。`,
  useModel: (name) => `改用 ${name}`,
  searchImages: '搜索图片',
  searchPlaceholder: '搜索你的照片：“海滩上的狗”',
  searchResults: '搜索结果',
  resultsFor: (text) => `与“${text}”最匹配的图片`,
  picturesLike: (name) => `与 ${name} 相似的图片`,
  backToLibrary: '返回图库',
  searching: '正在搜索…',
  searchFailed: '无法搜索：模型尚未就绪。',
  searchExplained: (n) =>
    `此模型已有嵌入的全部 ${n} 张图片，按匹配程度排序。条形表示与你的文字（经提示模板）的相似度。`,
  similarity: (value) => `相似度 ${value}`,
  matchStrong: '高度匹配',
  matchGood: '匹配',
  matchWeak: '弱匹配',
  showMoreResults: (n) => `再显示 ${n} 个`,
  noMatchCutoff: '“无匹配”阈值',
  cutoffValue: (cutoff) => (cutoff === 0 ? '与通用提示相当' : cutoff > 0 ? `更严格 ${cutoff}` : `更宽松 ${-cutoff}`),
  matchCounts: (matched, noMatch) => `${matched} 张匹配 · ${noMatch} 张无匹配`,
  noMatchExplained:
    '当图片的最佳标签没有以阈值（模型自身的分数单位）超过通用提示“a photo of a something.”时，它被标为“无匹配”。向右移动更严格。',
  noMatchBadge: '无匹配：没有一个标签很合适。',
  filterNoMatch: (n) => `无匹配（${n}）`,
  noMatchFolder: '无匹配',
  downloadZip: '下载 ZIP',
  saveIntoFolders: '保存到文件夹',
  savingIntoFolders: '正在保存到文件夹',
  exportTags: '导出标签（XMP）',
  ofCount: (done, total) => `${done} / ${total}`,
  zipDone: (files, copies, missing) =>
    `ZIP 已就绪：${files} 个文件按标签分文件夹` +
    (copies > 0 ? `，其中 ${copies} 个来自保留的副本（原文件不在本浏览器中）` : '') +
    (missing > 0 ? `；${missing} 个无法包含，请重新添加。` : '。'),
  savedIntoFolders: (files, folders, root, copies, missing, renamed) =>
    `已将 ${files} 个文件保存到 ${root} 中的 ${folders} 个文件夹` +
    (copies > 0 ? `，其中 ${copies} 个来自保留的副本` : '') +
    (renamed > 0 ? `；${renamed} 个因名称已被占用而以编号名称保存（没有替换任何文件）` : '') +
    (missing > 0 ? `；${missing} 个已跳过，本浏览器中没有它们的文件，请重新添加。` : '。'),
  saveFailedFiles: (n, names) => `${n} 个文件无法写入（没有留下写了一半的文件）：${names}。`,
  saveCancelled: (files) => `已在 ${files} 个文件后取消；没有留下写了一半的文件。`,
  zipCancelled: 'ZIP 已取消，没有保存任何内容。',
  cancelSaving: '取消保存',
  destinationInLibrary: (picked, folder, same) =>
    `没有保存任何文件：“${picked}”${same ? '就是' : '位于'}图库文件夹“${folder}”${same ? '' : '之内'}，保存在那里的副本会与原图混在一起。请选择另一个文件夹。`,
  tagsDone: (n, merged, leftOut, unchecked) =>
    `${n} 个文件的标签（XMP 附属文件，digiKam、darktable 和 Lightroom 可读取），按你的文件夹排列。` +
    (merged > 0 ? `其中 ${merged} 个已有附属文件：ZIP 中是加上标签的原附属文件，其余内容保持不变。` : '') +
    (leftOut > 0 ? `${leftOut} 个已有的附属文件无法读取，未放入 ZIP。` : '') +
    (unchecked > 0
      ? `有 ${unchecked} 个文件无法查看照片旁边的内容：在那里解压会替换同名的附属文件，如果你保留附属文件，请先解压到一个空文件夹。`
      : ''),
  sortFailed: (detail) => `按文件夹整理失败：${detail}`,
  correctLabelFor: (name) => `更正 ${name} 的标签`,
  correctPrompt: '更正标签…',
  undoCorrection: '撤销更正',
  correctedTo: (label) => `已更正：${label}`,
  correctionsInUse: (n) =>
    n === 0
      ? '尚未使用更正。在任意图片上更正标签：相似的图片会从中学习。'
      : `正在使用 ${n} 个更正：相似的图片会偏向更正后的标签。`,
  forgetCorrections: '清除所有更正',
  moreLikeThis: '相似图片',
  moreLike: (name) => `与 ${name} 相似的图片`,
  where: '在哪里？',
  whereLabel: (label, name) => `${label} 在 ${name} 中的位置`,
  whereTitle: (label, name) => `“${label}”在 ${name} 中匹配的位置`,
  whereWorking: (done, total) =>
    total > 0 ? `正在为图片的第 ${done} / ${total} 部分打分…` : '正在查看图片的各个部分…',
  whereProgress: '已打分的图片部分',
  whereStrongest: (label, row, column) =>
    `“${label}”在${
      [
        ['左上方', '上方', '右上方'],
        ['左侧', '中间', '右侧'],
        ['左下方', '下方', '右下方'],
      ][row][column]
    }匹配最强。`,
  whereFailed: (detail) => `无法生成热图：${detail}`,
  weaker: '较弱',
  stronger: '较强',
  storage: '存储',
  storageUnavailable: '此窗口无法使用模型存储（隐私浏览或站点数据被阻止）：每次访问都会重新下载模型。',
  usage: (used, quota) => `本站已使用 ${used}，可用 ${quota}。`,
  noStoredModels: '本设备上还没有存储模型。',
  storedModels: '已存储的模型',
  from: (host) => `，来自 ${host}`,
  filesSize: (size, files) => `${size}，共 ${files} 个文件`,
  lastUsed: (date) => `上次使用 ${date}`,
  delete: '删除',
  deleteModel: (model) => `删除 ${model}`,
  persistent: '已存储的模型是持久的：浏览器会一直保留，直到你删除。',
  notPersistent: '已存储的模型尚未持久化：磁盘空间不足时浏览器可能会清除它们。',
  keepStored: '保留已存储的模型',
  persistGranted: '已获准：浏览器会保留已存储的模型，直到你删除。',
  persistDenied: '未获准：磁盘空间不足时浏览器仍可能清除已存储的模型（已安装的应用更容易获准）。',
  updateAvailable: '有可用更新：应用的新版本已就绪。',
  reloadToUpdate: '重新加载以更新',
  later: '稍后',
  // dupes strings
  findDuplicates: '查找重复项',
  duplicateGroups: '重复组',
  duplicatesHint: '其他名称下的同一文件，以及看起来相似的照片（缩放或重新编码的副本）。',
  duplicateCutoff: '近似重复阈值',
  duplicateCutoffHint: (value) => `嵌入向量余弦相似度不低于 ${value} 的照片会归为一组。`,
  noDuplicates: '未找到重复项。',
  duplicateGroup: (count) => `${count} 张照片`,
  keepOnly: (name) => `保留 ${name}`,
  duplicatesFailed: (detail) => `无法查找重复项：${detail}`,
  tools: '工具',
  closeTools: '关闭工具',
  photos: '照片',
  photosHint: '方向键移动，Enter 打开，空格选择，Shift 选择一段，Ctrl+A 全选。',
  previous: '上一张',
  next: '下一张',
  photoPosition: (index, total) => `第 ${index} 张，共 ${total} 张`,
  exportSelection: (n) => `只导出和整理所选内容（${n} 张照片）。`,
  testDevice: '测试本设备',
  testDeviceHint: '在已加载的模型上、在本浏览器支持的每个后端运行图像推理、文本推理和一次搜索。数据不会离开你的设备。',
  testDeviceWaiting: '正在等待分类完成…',
  testDeviceRunning: '测试中…（第二个后端会从存储中再次加载模型）',
  testDeviceFailed: (detail) => `无法运行测试：${detail}`,
  testDeviceNeedsModel: '请先加载模型。',
  deviceTestResults: '设备测试结果',
  deviceTestColumns: {
    backend: '后端',
    imagesPerSecond: '每秒图片数',
    vision: '图像推理（毫秒/张）',
    text: '文本推理（毫秒）',
    search: '搜索（毫秒）',
    setup: '模型、精度、线程',
    adapter: '适配器',
  },
  searchedPhotos: (ms, n) => `${ms}（${n} 张照片）`,
  copyResults: '复制结果',
  copied: '已复制。',
};

const MESSAGES: Record<Locale, Messages> = { en, zh };

export function messagesFor(locale: Locale): Messages {
  return MESSAGES[locale];
}

export const STORAGE_KEY = 'zero-shot-classifier locale';

function isLocale(value: string | null): value is Locale {
  return value === 'en' || value === 'zh';
}

/** The link's `?lang=`, then the person's last choice, then the browser's preferred languages. */
export function initialLocale(fromLink: Locale | null): Locale {
  if (fromLink) return fromLink;
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLocale(saved)) return saved;
  } catch {
    // Storage blocked: fall through to the browser's languages.
  }
  for (const language of navigator.languages ?? [navigator.language]) {
    if (/^zh\b/i.test(language)) return 'zh';
    if (/^en\b/i.test(language)) return 'en';
  }
  return 'en';
}
