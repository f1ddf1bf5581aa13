export { EmptyState, ErrorState, Loading } from "./States";
