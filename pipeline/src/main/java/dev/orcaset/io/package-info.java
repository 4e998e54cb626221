/**
 * File formats and helpers: the Parquet schema, JSON lines style, hashing, Parquet input over Beam
 * files.
 */
package dev.orcaset.io;
