/** The Orca-style system prompt set and its deterministic, weighted choice per record. */
package dev.orcaset.prompts;
