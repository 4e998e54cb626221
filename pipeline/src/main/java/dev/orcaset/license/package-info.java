/** License policy: from the teacher's terms and the source's license to each row's tags. */
package dev.orcaset.license;
