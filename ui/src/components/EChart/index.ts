export { EChart, loadECharts, type EChartProps } from "./EChart";
export { deployMarkLine, eventMarkLine, markerColor } from "./markers";
export { axisTooltip, readPalette, usePalette, type Palette } from "./theme";
