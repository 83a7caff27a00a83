/**
 * SVG images are drawn on the page (Web Workers cannot decode SVG) into a PNG the worker can read.
 * The SVG never becomes a document of this origin: it is drawn through an off-document `<img>`
 * (where its scripts never run) from a `data:` URL, never a `blob:` URL that a link or "Open image
 * in new tab" could open as a same-origin document; thumbnails are made by the worker from the PNG.
 */

/** Longest side of the drawn SVG: plenty for any image processor, small enough to be quick. */
const SVG_SIZE = 1024;

export function isSvg(file: File): boolean {
  return file.type === 'image/svg+xml' || /\.svg$/i.test(file.name);
}

function dataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('the SVG could not be read'));
    reader.readAsDataURL(new Blob([file], { type: 'image/svg+xml' }));
  });
}

export async function rasteriseSvg(file: File): Promise<File> {
  const image = new Image();
  try {
    image.src = await dataUrl(file);
    await image.decode();
    // An SVG without its own size draws at a square default.
    const [w, h] =
      image.naturalWidth > 0 && image.naturalHeight > 0 ? [image.naturalWidth, image.naturalHeight] : [1, 1];
    const scale = SVG_SIZE / Math.max(w, h);
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(w * scale));
    canvas.height = Math.max(1, Math.round(h * scale));
    const context = canvas.getContext('2d');
    if (!context) return file;
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const png = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    return png ? new File([png], file.name, { type: 'image/png' }) : file;
  } finally {
    image.removeAttribute('src');
  }
}
