/**
 * Image resizing as the reference pipeline outside the browser does it, so that the page's scores
 * match transformers.js in Node to display rounding.
 *
 * In Node, transformers.js resizes with sharp: `affine([w'/w, 0, 0, h'/h], { interpolator: 'bicubic' })`,
 * i.e. libvips' affine transform with its Catmull-Rom interpolator on 8-bit pixels. In the browser
 * it draws onto a canvas instead (bilinear-like smoothing, edges clamped), which for the same
 * picture gives different pixels, most of all along the edges: libvips maps output pixel x to input
 * x · w / w' (corner-aligned, not centre-aligned) and reads black beyond the image, so the last row
 * and column fade towards black and the rows next to the first overshoot. Those edge rows alone
 * moved a solid colour's scores by up to 0.2 points on the clip-colors fixture.
 *
 * This is libvips' arithmetic for 8-bit images (`bicubic_unsigned_int_tab`): the sub-pixel offset
 * rounded to 1/64, coefficients in 12-bit fixed point, each row rounded, then the column.
 */
import type { RawImage } from '@huggingface/transformers';

const TRANSFORM_SCALE = 64;
const INTERPOLATE_SHIFT = 12;
const HALF = 1 << (INTERPOLATE_SHIFT - 1);

/** Catmull-Rom coefficients for offsets k/64, k = 0…64, in 12-bit fixed point (truncated, as C converts). */
const COEFFICIENTS = (() => {
  const table = new Int32Array((TRANSFORM_SCALE + 1) * 4);
  for (let k = 0; k <= TRANSFORM_SCALE; k++) {
    const x = k / TRANSFORM_SCALE;
    const dx = 1 - x;
    const x2 = dx * x;
    const mx2 = -0.5 * x2;
    const c0 = mx2 * dx;
    const c1 = x2 * (-1.5 * x + 1) + dx;
    const c2 = 1 - (mx2 + c1);
    const c3 = mx2 * x;
    [c0, c1, c2, c3].forEach((c, i) => (table[k * 4 + i] = Math.trunc(c * (1 << INTERPOLATE_SHIFT))));
  }
  return table;
})();

/** For each output coordinate: the first of the four input pixels read, and the coefficient row. */
function taps(outSize: number, inSize: number): { first: Int32Array; row: Int32Array } {
  const first = new Int32Array(outSize);
  const row = new Int32Array(outSize);
  const step = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    // libvips works in a region offset by the interpolator's window (1 pixel): positions are ≥ 1.
    const x = i * step + 1;
    const doubled = Math.trunc(x * TRANSFORM_SCALE * 2) & (TRANSFORM_SCALE * 2 - 1);
    row[i] = ((doubled + 1) >> 1) * 4;
    first[i] = Math.trunc(x) - 2;
  }
  return { first, row };
}

/**
 * `data` (`channels` per pixel, row-major) resized to `width` × `height` as sharp's bicubic affine
 * resize does; pixels outside the image read as 0. libvips rounds each of the four row sums before
 * the column: a row sum depends on the input row and the output column only, so every input row
 * is filtered once (`across`), then each output pixel combines four of those.
 */
export function resizeLikeSharp(
  data: ArrayLike<number>,
  inWidth: number,
  inHeight: number,
  channels: number,
  width: number,
  height: number,
): Uint8ClampedArray {
  const xs = taps(width, inWidth);
  const ys = taps(height, inHeight);
  const rowLength = width * channels;
  // Rounded row sums; they may overshoot 0…255, so they are kept unclamped until the column.
  const across = new Int32Array(inHeight * rowLength);
  for (let inY = 0; inY < inHeight; inY++) {
    const rowStart = inY * inWidth;
    const outStart = inY * rowLength;
    for (let x = 0; x < width; x++) {
      const left = xs.first[x];
      const cx = xs.row[x];
      const inside = left >= 0 && left + 3 < inWidth;
      const c0 = COEFFICIENTS[cx];
      const c1 = COEFFICIENTS[cx + 1];
      const c2 = COEFFICIENTS[cx + 2];
      const c3 = COEFFICIENTS[cx + 3];
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        if (inside) {
          const at = (rowStart + left) * channels + c;
          sum = c0 * data[at] + c1 * data[at + channels] + c2 * data[at + 2 * channels] + c3 * data[at + 3 * channels];
        } else {
          for (let i = 0; i < 4; i++) {
            const inX = left + i;
            if (inX >= 0 && inX < inWidth) sum += COEFFICIENTS[cx + i] * data[(rowStart + inX) * channels + c];
          }
        }
        across[outStart + x * channels + c] = (sum + HALF) >> INTERPOLATE_SHIFT;
      }
    }
  }
  // Where an input row's sums start in `across`; -1 outside the image, whose rows contribute 0.
  const rowAt = (inY: number) => (inY >= 0 && inY < inHeight ? inY * rowLength : -1);
  const out = new Uint8ClampedArray(height * rowLength);
  for (let y = 0; y < height; y++) {
    const top = ys.first[y];
    const cy = ys.row[y];
    const r0 = rowAt(top);
    const r1 = rowAt(top + 1);
    const r2 = rowAt(top + 2);
    const r3 = rowAt(top + 3);
    const c0 = COEFFICIENTS[cy];
    const c1 = COEFFICIENTS[cy + 1];
    const c2 = COEFFICIENTS[cy + 2];
    const c3 = COEFFICIENTS[cy + 3];
    const outStart = y * rowLength;
    for (let k = 0; k < rowLength; k++) {
      const sum =
        (r0 >= 0 ? c0 * across[r0 + k] : 0) +
        (r1 >= 0 ? c1 * across[r1 + k] : 0) +
        (r2 >= 0 ? c2 * across[r2 + k] : 0) +
        (r3 >= 0 ? c3 * across[r3 + k] : 0);
      out[outStart + k] = (sum + HALF) >> INTERPOLATE_SHIFT; // clamped to 0…255 by the array
    }
  }
  return out;
}

/** The image processor's resize (after its RGB conversion), as transformers.js in Node does it. */
interface Resizable {
  resample?: number;
  size?: unknown;
  get_resize_output_image_size(image: RawImage, size: unknown): [number, number];
  resize(image: RawImage): Promise<RawImage>;
}

/** Below this many pixels on a side, edge effects would outweigh the picture: see `resizeLikeReference`. */
const TINY = 16;

/** PIL's resample code for bicubic, as `preprocessor_config.json` gives it. */
const BICUBIC = 3;

/**
 * Makes `processor` resize bicubic images as the Node reference does (other filters are left to
 * transformers.js). `make` builds a RawImage (passed in: the class is the library's).
 */
export function resizeLikeReference(
  processor: Resizable,
  make: (data: Uint8ClampedArray, width: number, height: number, channels: number) => RawImage,
): void {
  if (processor.resample !== BICUBIC) return;
  const original = processor.resize.bind(processor);
  processor.resize = async (image) => {
    const [width, height] = processor.get_resize_output_image_size(image, processor.size);
    if (image.channels > 4 || (image.width === width && image.height === height)) return original(image);
    // libvips' black beyond the edges is a row's worth on a photo, but most of a tiny picture (a 1×1 green
    // dot would fade to black): there the canvas, which clamps its edges, reads what the person sees.
    if (Math.min(image.width, image.height) < TINY) return original(image);
    return make(
      resizeLikeSharp(image.data, image.width, image.height, image.channels, width, height),
      width,
      height,
      image.channels,
    );
  };
}
