package dev.baton.master.conflict;

/**
 * A shared document that cannot be read: names the document, the field (a path such as
 * {@code services[1].version}, empty for the whole document) and what was expected. The composite
 * turns it into a conflict of check {@code document}; it never leaves this package.
 */
final class DocumentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String document;
  private final String field;

  DocumentException(String document, String field, String problem) {
    super(dev.baton.runtime.text.Suggestions.oneLine(document + (field.isEmpty() ? "" : ": " + field) + ": " + problem));
    this.document = document;
    this.field = field;
  }

  String document() {
    return document;
  }

  String field() {
    return field;
  }
}
