package dev.baton.master.repo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IntegrationConflictHunksTest {
  @Test
  void numbersEachHunkByItsLineInTheIntegrationBranchsVersion() {
    String text = String.join("\n",
        "one",
        "<<<<<<< ours",
        "two-ours",
        "=======",
        "two-theirs",
        "two-theirs-more",
        ">>>>>>> theirs",
        "three",
        "<<<<<<< ours",
        "=======",
        "four-theirs",
        ">>>>>>> theirs",
        "=======", // not a marker outside a hunk
        "") ;

    ConflictHunks.Found found = ConflictHunks.parse(text);

    assertThat(found.hunks()).containsExactly(
        new MergeResult.Hunk(2, "two-ours\n", "two-theirs\ntwo-theirs-more\n", false),
        new MergeResult.Hunk(4, "", "four-theirs\n", false));
    assertThat(found.omitted()).isZero();
  }

  @Test
  void boundsTheHunksAndTheirSides() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < ConflictHunks.MAX_HUNKS_PER_FILE + 3; i++) {
      text.append("<<<<<<< a\n").append("x".repeat(ConflictHunks.MAX_SIDE_CHARS + 10)).append('\n')
          .append("=======\ny\n>>>>>>> b\n");
    }

    ConflictHunks.Found found = ConflictHunks.parse(text.toString());

    assertThat(found.hunks()).hasSize(ConflictHunks.MAX_HUNKS_PER_FILE);
    assertThat(found.omitted()).isEqualTo(3);
    assertThat(found.hunks().get(0).ours()).hasSize(ConflictHunks.MAX_SIDE_CHARS);
    assertThat(found.hunks().get(0).truncated()).isTrue();
    assertThat(found.hunks().get(0).theirs()).isEqualTo("y\n");
  }
}
