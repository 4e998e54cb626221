/** FLAN v2 input records: the accepted field spellings, submixes, and line-numbered rejections. */
package dev.orcaset.flan;
