/** Prices and cost: from token usage to money, for estimates, manifests and progress. */
package dev.orcaset.cost;
