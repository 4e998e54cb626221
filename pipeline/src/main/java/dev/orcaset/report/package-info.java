/**
 * What a training team reads before using a dataset: the card (`OUTPUT/README.md`), the terminal
 * summary and the HTML report of `./orcaset inspect`. All three are rendered from the manifest
 * alone, through the same {@link dev.orcaset.report.Section}s, so they cannot disagree.
 */
package dev.orcaset.report;
