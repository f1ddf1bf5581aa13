//! Journeys: what a user does, step by step. (Filled in by the journeys work.)
