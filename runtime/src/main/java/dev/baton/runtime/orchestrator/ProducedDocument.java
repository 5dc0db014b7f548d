package dev.baton.runtime.orchestrator;

/**
 * A document a finished task produced, as a specialisation sees it when classifying.
 *
 * @param name the deliverable's name as the plan wrote it, e.g. "api/openapi.yaml"
 * @param content inline content; empty when too large or binary
 */
public record ProducedDocument(String taskId, String name, String mediaType, String content) {}
