package dev.baton.runtime.orchestrator;

import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.runtime.droid.definition.DroidDefinitions;
import dev.baton.runtime.execution.Admission;
import dev.baton.runtime.execution.FinishedTask;
import dev.baton.v1.Communication;
import dev.baton.v1.ComplexityLevel;
import dev.baton.v1.DelegateResponse;
import dev.baton.v1.Deliverable;
import dev.baton.v1.Droid;
import dev.baton.v1.SharedDocument;
import dev.baton.v1.SharedState;
import dev.baton.v1.Specialization;
import dev.baton.v1.SubOrchestratorCapabilities;
import dev.baton.v1.SubOrchestratorDescriptor;
import java.util.List;

/** The one place where the sub-orchestrator's domain values become protos. */
final class ProtoMapper {
  /** Channels a sub-orchestrator listens on, advertised in its descriptor. */
  static final List<String> CHANNELS = List.of("grpc:SubOrchestrator", "grpc:Coordinate");

  private ProtoMapper() {}

  /** The descriptor Describe returns; {@code droids} is the merged pool, not only the built-ins. */
  static SubOrchestratorDescriptor descriptor(
      SpecialisationProfile profile,
      DroidDefinitions droids,
      String instanceId,
      String address,
      int maxConcurrentTasks,
      String masterId,
      List<String> peers) {
    SubOrchestratorDescriptor.Builder descriptor =
        SubOrchestratorDescriptor.newBuilder()
            .setId(instanceId)
            .setName(profile.name())
            .setRole("sub_orchestrator")
            .setSpecialization(Specialization.newBuilder()
                .setDomain(profile.domain())
                .addAllFrameworks(profile.frameworks())
                .addAllPlatforms(profile.platforms())
                .addAllExpertise(profile.expertise()))
            .setCapabilities(SubOrchestratorCapabilities.newBuilder()
                .addAllDomainExpertise(profile.domainExpertise())
                .setMaxConcurrentTasks(maxConcurrentTasks)
                .setComplexityLevel(complexity(profile.complexity())))
            .setCommunication(Communication.newBuilder()
                .setMasterOrchestratorId(masterId)
                .addAllPeerOrchestrators(peers.stream().filter(p -> !p.equals(instanceId)).toList())
                .addAllCommunicationChannels(CHANNELS))
            .setAddress(address);
    for (DroidDefinition droid : droids) {
      descriptor.addDroids(Droid.newBuilder()
          .setName(droid.name())
          .setDescription(droid.description())
          .addAllExpertise(droid.expertise())
          .setRunner(droid.runner())
          .setModel(droid.model())
          .setAutonomy(droid.autonomy())
          .setPermissionMode(droid.permissionMode())
          .setSource(droid.source()));
    }
    return descriptor.build();
  }

  static ComplexityLevel complexity(Complexity complexity) {
    return switch (complexity) {
      case SIMPLE -> ComplexityLevel.COMPLEXITY_LEVEL_SIMPLE;
      case MEDIUM -> ComplexityLevel.COMPLEXITY_LEVEL_MEDIUM;
      case COMPLEX -> ComplexityLevel.COMPLEXITY_LEVEL_COMPLEX;
    };
  }

  /**
   * This instance's documents for a plan: every deliverable of its finished tasks, classified. A
   * document name produced again by a later task (a sync point's remediation) replaces the earlier
   * one, so the next arrival carries the corrected document only.
   */
  static SharedState sharedState(Specialisation specialisation, String instanceId, List<FinishedTask> tasks) {
    SharedState.Builder state =
        SharedState.newBuilder().setDomain(specialisation.domain()).setInstanceId(instanceId);
    java.util.Map<String, SharedDocument> byName = new java.util.LinkedHashMap<>();
    for (FinishedTask task : tasks) {
      state.addCompletedTasks(task.taskId());
      for (Deliverable deliverable : task.deliverables()) {
        ProducedDocument document = new ProducedDocument(
            task.taskId(), deliverable.getName(), deliverable.getMediaType(), deliverable.getContent());
        byName.remove(deliverable.getName());
        byName.put(deliverable.getName(), SharedDocument.newBuilder()
            .setKind(kind(specialisation, document, task.declaredKinds().get(deliverable.getName())))
            .setName(deliverable.getName())
            .setMediaType(deliverable.getMediaType())
            .setContent(deliverable.getContent())
            .setProducedByTask(task.taskId()).build());
      }
    }
    return state.addAllDocuments(byName.values()).build();
  }

  /** The kind the plan declared for the document (publishes), when it is one; else the specialisation's classification. */
  static String kind(Specialisation specialisation, ProducedDocument document, String declared) {
    if (declared != null) {
      for (DocumentKind kind : DocumentKind.values()) {
        if (kind.wireName().equals(declared)) {
          return declared;
        }
      }
    }
    return specialisation.classify(document).wireName();
  }

  static DelegateResponse delegateResponse(Admission admission, String instanceId) {
    return DelegateResponse.newBuilder()
        .setExecutionId(admission.executionId())
        .setState(admission.state())
        .setQueuePosition(admission.queuePosition())
        .setCreated(admission.created())
        .setInstanceId(instanceId)
        .build();
  }
}
