/** What the fuzz targets of every module share: the parser contract they assert (docs/security.md, Fuzzing). */
package dev.baton.runtime.fuzz;
