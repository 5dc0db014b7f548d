package dev.baton.runtime.git;

/** A git command failed. */
public class GitException extends Exception {
  public GitException(String message) {
    super(message);
  }
}
