/**
 * The teacher client: Chat Completions over OkHttp, with auth and retry interceptors and error
 * classes.
 */
package dev.orcaset.teacher;
