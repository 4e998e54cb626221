package dev.orcaset.license;

import java.io.Serializable;

/**
 * One license of a source dataset, as the audit records it: its name, use class, whether it
 * requires attribution and share-alike (null where the audit could not tell), and where it is
 * written.
 */
public record SourceLicense(
    String name, UseClass useClass, Boolean attribution, Boolean shareAlike, String url)
    implements Serializable {}
