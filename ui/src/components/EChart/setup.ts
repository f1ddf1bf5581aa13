// ECharts, with only the pieces Sightline's charts use registered: line, bar
// and sankey (Discovery's top paths) series, grid, tooltip, axis pointer,
// mark lines/areas, legend, and the canvas renderer (component tests add the
// SVG one, as happy-dom has no canvas). Loaded on demand (see EChart.tsx) so
// the first view's numbers do not wait for the charting code.
import { BarChart, LineChart, SankeyChart } from "echarts/charts";
import {
  AxisPointerComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([
  LineChart,
  BarChart,
  SankeyChart,
  GridComponent,
  TooltipComponent,
  AxisPointerComponent,
  LegendComponent,
  MarkLineComponent,
  MarkAreaComponent,
  CanvasRenderer,
]);

export { echarts };
