export { AskBox, isAppLink } from "./AskBox";
