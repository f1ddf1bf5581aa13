import { IncidentPage } from "./Detail";
import { IncidentTable } from "./List";

/**
 * The incidents Sightline opened when alerts fired: the list, or one
 * incident with its impact, its timeline (`event` points at one entry), the
 * attribution's sentence, and what a person does about it.
 */
export function Incidents({ id, event }: { id: number | null; event: string | null }) {
  return id === null ? <IncidentTable /> : <IncidentPage key={id} id={id} event={event} />;
}
