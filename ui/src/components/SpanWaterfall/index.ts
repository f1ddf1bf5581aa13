export { barGeometry, SpanWaterfall, type SpanWaterfallProps } from "./SpanWaterfall";
