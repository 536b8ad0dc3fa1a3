// Canvas needs concrete colours: read the theme's --vscode-* variables and turn them into RGB.

export type Rgb = [number, number, number];

const probe = document.createElement("canvas").getContext("2d")!;

/** The RGB of a CSS colour (any syntax the browser knows); unknown colours give the fallback. */
function toRgb(color: string, fallback: Rgb): Rgb {
  probe.fillStyle = "#010203";
  probe.fillStyle = color;
  const normalised = probe.fillStyle;
  if (normalised === "#010203" && color.trim() !== "#010203") return fallback;
  probe.clearRect(0, 0, 1, 1);
  probe.fillRect(0, 0, 1, 1);
  const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
  return [r!, g!, b!];
}

/** A --vscode-* variable's colour, as the current theme sets it. */
export function themeColor(variable: string, fallback: Rgb): Rgb {
  const value = getComputedStyle(document.body).getPropertyValue(variable).trim();
  return value ? toRgb(value, fallback) : fallback;
}

export interface Palette {
  background: Rgb;
  foreground: Rgb;
  heat: Rgb;
  accent: Rgb;
  grid: Rgb;
}

/** Read once per draw: the user may switch themes while a panel is open. */
export function palette(): Palette {
  return {
    background: themeColor("--vscode-editor-background", [30, 30, 30]),
    foreground: themeColor("--vscode-editor-foreground", [212, 212, 212]),
    heat: themeColor("--vscode-charts-orange", [230, 140, 30]),
    accent: themeColor("--vscode-focusBorder", [0, 120, 212]),
    grid: themeColor("--vscode-panel-border", [80, 80, 80]),
  };
}

/** From the background (t = 0) to the heat colour (t = 1). */
export function mix(from: Rgb, to: Rgb, t: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(from[i]! + (to[i]! - from[i]!) * t)) as Rgb;
}

export const css = ([r, g, b]: Rgb, alpha = 1) => `rgba(${r}, ${g}, ${b}, ${alpha})`;
