// Attention maps drawn as images: one pixel per cell, rendered once per map and theme into an offscreen
// canvas, then scaled onto the visible one, so switching heads costs a few drawImage calls.
import { mix, type Palette } from "./theme";

/** Offscreen images per values array, by map offset; cleared when the theme's colours change. */
const images = new WeakMap<Float32Array, Map<number, HTMLCanvasElement>>();
let imagesFor = "";

/** 256 shades from the background to the heat colour, as packed RGBA. */
function shades(colors: Palette): Uint32Array {
  const lut = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = mix(colors.background, colors.heat, i / 255);
    lut[i] = (255 << 24) | (b << 16) | (g << 8) | r; // little-endian RGBA
  }
  return lut;
}

/**
 * The `bins` x `bins` map at `values[offset...]` as an image. Shades follow the square root of each cell's
 * share of the map's largest cell, so weak structure still shows next to an attention sink.
 */
function mapImage(values: Float32Array, offset: number, bins: number, colors: Palette): HTMLCanvasElement {
  const key = JSON.stringify(colors);
  if (key !== imagesFor) {
    imagesFor = key;
    images.delete(values);
  }
  let byOffset = images.get(values);
  if (!byOffset) images.set(values, (byOffset = new Map()));
  const cached = byOffset.get(offset);
  if (cached) return cached;
  const canvas = document.createElement("canvas");
  canvas.width = bins;
  canvas.height = bins;
  const context = canvas.getContext("2d")!;
  const image = context.createImageData(bins, bins);
  const pixels = new Uint32Array(image.data.buffer);
  const lut = shades(colors);
  let max = 0;
  for (let i = 0; i < bins * bins; i++) max = Math.max(max, values[offset + i]!);
  for (let i = 0; i < bins * bins; i++) pixels[i] = lut[max > 0 ? Math.round(Math.sqrt(values[offset + i]! / max) * 255) : 0]!;
  context.putImageData(image, 0, 0);
  byOffset.set(offset, canvas);
  return canvas;
}

export function drawMap(
  context: CanvasRenderingContext2D,
  values: Float32Array,
  offset: number,
  bins: number,
  rect: { x: number; y: number; size: number },
  colors: Palette,
): void {
  context.imageSmoothingEnabled = false;
  context.drawImage(mapImage(values, offset, bins, colors), rect.x, rect.y, rect.size, rect.size);
}

/** A canvas sized for the screen's pixel density; draw in CSS pixels. */
export function sizeCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const context = canvas.getContext("2d")!;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  return context;
}
