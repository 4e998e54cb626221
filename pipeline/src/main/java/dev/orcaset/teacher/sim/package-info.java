/**
 * The simulated teacher: a local Chat Completions server with deterministic answers, for demos and
 * tests.
 */
package dev.orcaset.teacher.sim;
