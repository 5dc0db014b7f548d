package dev.baton.master.conflict;

import dev.baton.v1.CrossOrchestratorConflict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Builds conflicts in one shape, and the {@code document} conflicts for a document that is missing
 * or cannot be read. Parties are ordered: the side that consumes or needs first, the side that
 * provides second, so mediation can tell them apart.
 */
final class Conflicts {
  /** The check of a conflict about a document rather than about a mismatch between two. */
  static final String DOCUMENT = "document";

  static final Comparator<CrossOrchestratorConflict> ORDER =
      Comparator.comparing(CrossOrchestratorConflict::getCheck)
          .thenComparing(CrossOrchestratorConflict::getLocation)
          .thenComparing(c -> String.join(",", c.getPartiesList()))
          .thenComparing(CrossOrchestratorConflict::getDescription)
          .thenComparing(CrossOrchestratorConflict::getSuggestedFix);

  private Conflicts() {}

  static CrossOrchestratorConflict of(String check, List<String> parties, String location, String description,
      String fix) {
    return CrossOrchestratorConflict.newBuilder()
        .setCheck(check)
        .addAllParties(new LinkedHashSet<>(parties))
        .setLocation(location)
        .setDescription(description)
        .setSuggestedFix(fix)
        .build();
  }

  /** A document a check needs that its publisher did not bring (while the other side did). */
  static CrossOrchestratorConflict missing(String check, String kind, String publisher, String what) {
    return of(DOCUMENT, List.of(publisher), kind,
        "the " + check + " check needs " + publisher + "'s " + kind + " (" + what + ") and " + publisher
            + " published none",
        publisher + ": publish the " + kind + " document among the deliverables of a task that ends before this "
            + "sync point (format in docs/shared-documents.md)");
  }

  /** A document that cannot be read; the location is the document and the field. */
  static CrossOrchestratorConflict unreadable(String check, SharedDocuments.Published doc, DocumentException e) {
    String location = doc.name() + (e.field().isEmpty() ? "" : ": " + e.field());
    return of(DOCUMENT, List.of(doc.domain()), location,
        "the " + check + " check cannot read " + doc.label() + " (" + doc.document().getKind() + "): "
            + e.getMessage(),
        doc.domain() + ": fix " + doc.name() + " to the " + doc.document().getKind()
            + " format in docs/shared-documents.md");
  }

  /** Sorted and without duplicates: the order the hook returns. */
  static List<CrossOrchestratorConflict> sorted(List<CrossOrchestratorConflict> conflicts) {
    List<CrossOrchestratorConflict> out = new ArrayList<>(new LinkedHashSet<>(conflicts));
    out.sort(ORDER);
    return List.copyOf(out);
  }
}
