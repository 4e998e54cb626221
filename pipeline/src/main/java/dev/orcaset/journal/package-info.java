/**
 * The response journal: every paid teacher answer (and every permanent failure), saved as it
 * arrives in small committed slices keyed by request hash, so a crashed run resumes and a refresh
 * pays only for what changed.
 */
package dev.orcaset.journal;
