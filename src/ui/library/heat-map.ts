/** A heat map's crop scores spread over the picture: each point takes the mean of the crops that cover it. */
import type { HeatMap } from '../../shared/protocol.ts';

/** Points per side of the drawn map. */
export const RESOLUTION = 24;

export interface Heat {
  /** RESOLUTION × RESOLUTION values from 0 (weakest) to 1 (strongest), row by row. */
  values: Float32Array;
  /** Where the strongest point is, as fractions of the width and height. */
  hottest: { x: number; y: number };
}

export function spread({ columns, rows, cells, cropSize }: HeatMap): Heat {
  const stepX = columns > 1 ? (1 - cropSize) / (columns - 1) : 0;
  const stepY = rows > 1 ? (1 - cropSize) / (rows - 1) : 0;
  const values = new Float32Array(RESOLUTION * RESOLUTION);
  for (let y = 0; y < RESOLUTION; y++) {
    for (let x = 0; x < RESOLUTION; x++) {
      const [px, py] = [(x + 0.5) / RESOLUTION, (y + 0.5) / RESOLUTION];
      let sum = 0;
      let count = 0;
      for (let row = 0; row < rows; row++) {
        for (let column = 0; column < columns; column++) {
          const left = column * stepX;
          const top = row * stepY;
          if (px >= left && px <= left + cropSize && py >= top && py <= top + cropSize) {
            sum += cells[row * columns + column];
            count++;
          }
        }
      }
      values[y * RESOLUTION + x] = count > 0 ? sum / count : NaN;
    }
  }
  const finite = values.filter((v) => Number.isFinite(v));
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  let best = 0;
  for (let i = 0; i < values.length; i++) {
    values[i] = high > low && Number.isFinite(values[i]) ? (values[i] - low) / (high - low) : 0;
    if (values[i] > values[best]) best = i;
  }
  return {
    values,
    hottest: { x: ((best % RESOLUTION) + 0.5) / RESOLUTION, y: (Math.floor(best / RESOLUTION) + 0.5) / RESOLUTION },
  };
}

/** Words for where the strongest point is: thirds of the width and height. */
export function region({ x, y }: { x: number; y: number }): { row: 0 | 1 | 2; column: 0 | 1 | 2 } {
  const third = (v: number) => (v < 1 / 3 ? 0 : v < 2 / 3 ? 1 : 2) as 0 | 1 | 2;
  return { row: third(y), column: third(x) };
}
