/** The Beam pipeline: one PTransform per stage, composed top to bottom in OrcasetPipeline. */
package dev.orcaset.pipeline;
