package dev.baton.master.dashboard.http;

import dev.baton.master.grpc.MasterService;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the dashboard answers from: the master's gRPC service logic (the same object its gRPC server
 * serves), whether it leads and who does, and the task pages' details.
 *
 * @param service the master's {@code baton.v1.Master} implementation
 * @param leading true while this master leads (a standby serves read-only)
 * @param leader the leader's client address, if one leads
 * @param masterId this master's id
 * @param tasks a task page's details beyond its TaskStatus
 */
public record DashboardApi(MasterService service, BooleanSupplier leading, Supplier<Optional<String>> leader,
    String masterId, TaskPages tasks) {
}
