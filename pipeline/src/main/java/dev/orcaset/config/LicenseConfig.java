package dev.orcaset.config;

import java.io.Serializable;

/** `license`: the policy file that maps teachers and sources to license tags. */
public record LicenseConfig(String policy) implements Serializable {}
