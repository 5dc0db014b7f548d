/** The {@code baton} command line: server roles, the local mesh, and the client commands of the master's API. */
package dev.baton.cli;
