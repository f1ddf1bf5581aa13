export { recorderWhy, RecordStatus } from "./RecordStatus";
