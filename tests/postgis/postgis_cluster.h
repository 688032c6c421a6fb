#pragma once

#include <string>

namespace parkatlas::test {

/// The throwaway PostgreSQL + PostGIS cluster of this test run (tests/postgis/throwaway-
/// cluster.sh): started once before the first test, stopped and deleted after the last (or by
/// its watcher when the run dies). Database "parkatlas"; superuser "postgres" trusted on
/// 127.0.0.1; the login roles alice (auditor), bob (planner) and carol (administrator) log in
/// with passwords kept in a temporary .pgpass that PGPASSFILE names.
struct PostgisCluster {
    static int port();
    /// postgresql://USER@127.0.0.1:PORT/parkatlas (no password: .pgpass has it).
    static std::string uri(const std::string& user = "postgres");
    /// A scratch folder of this run.
    static std::string scratch(const std::string& name);
    /// Runs SQL as postgres through psql; returns stdout (unaligned, tuples only).
    static std::string psql(const std::string& sql);
};

} // namespace parkatlas::test
