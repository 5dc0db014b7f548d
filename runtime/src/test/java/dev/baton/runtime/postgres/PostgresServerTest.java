package dev.baton.runtime.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresServerTest {
  @RegisterExtension
  static final PostgresServer postgres = new PostgresServer();

  @Test
  void runsWithFsyncOnAndKeepsCommittedRowsAcrossARestart() {
    assertThat(postgres.psql(PostgresServer.DATABASE, "SHOW fsync").trim()).isEqualTo("on");
    String url = postgres.createDatabase("restart");
    String db = url.substring(url.lastIndexOf('/') + 1);
    assertThat(url).startsWith("postgres://baton:" + PostgresServer.PASSWORD + "@127.0.0.1:" + postgres.port() + "/");
    postgres.psql(db, "CREATE TABLE t (v text); INSERT INTO t VALUES ('kept')");

    postgres.stop();
    postgres.start();

    assertThat(postgres.psql(db, "SELECT v FROM t").trim()).isEqualTo("kept");
  }
}
