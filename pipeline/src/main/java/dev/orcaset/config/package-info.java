/**
 * Run configuration: YAML parsed once into records and validated with messages that name the key.
 */
package dev.orcaset.config;
