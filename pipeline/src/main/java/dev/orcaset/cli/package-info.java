/** The orcaset command line: run, demo, teacher-sim; exit codes and the end-of-run summary. */
package dev.orcaset.cli;
