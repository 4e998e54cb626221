/** The records every stage passes along; the other packages depend on this one, it on none. */
package dev.orcaset.model;
