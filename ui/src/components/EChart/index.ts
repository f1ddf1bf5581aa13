export { EChart, loadECharts, type EChartProps } from "./EChart";
export { deployMarkLine } from "./markers";
export { readPalette, usePalette, type Palette } from "./theme";
