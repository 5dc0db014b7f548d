package dev.baton.runtime.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/** An open server's only interceptor: every caller is {@link Principal#OPEN}. */
public enum OpenAccess implements ServerInterceptor {
  INSTANCE;

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    return Contexts.interceptCall(Context.current().withValue(Principal.KEY, Principal.OPEN), call, headers, next);
  }
}
