package dev.baton.runtime.droid;

import dev.baton.v1.DelegationPackage;
import java.util.Objects;

/** A delegation handed to a droid executor, with the droid chosen to run it. */
public record DroidTask(DelegationPackage delegation, String droid) {
  public DroidTask {
    Objects.requireNonNull(delegation, "delegation");
    Objects.requireNonNull(droid, "droid");
  }
}
