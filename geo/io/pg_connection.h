#pragma once

#include "geo/error.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace parkatlas::geo {

/// Whether `source` names a PostgreSQL database rather than a file: a libpq URI
/// (`postgresql://…`, `postgres://…`) or GDAL's `PG:` prefix followed by libpq key=value pairs
/// (`PG:service=parks`, `PG:host=… dbname=…`).
bool isPostgresSource(std::string_view source);

/// The libpq connection string of a PostgreSQL source (the `PG:` prefix dropped).
std::string libpqConnectionString(std::string_view source);

/// Whether the connection string carries a password (`password=…`, `user:secret@host`).
/// ParkAtlas refuses those: passwords live in ~/.pgpass (or PGPASSFILE) or a service file
/// (~/.pg_service.conf, PGSERVICEFILE), never in a command line or a project file.
bool carriesPassword(std::string_view source);

/// Throws IoError when `source` carries a password, saying where to put it instead.
void refusePassword(std::string_view source, const std::string& where);

/// The source of a PostgreSQL park as GDAL opens it, restricted to `schema` (the layer names
/// are then the bare table names).
std::string gdalSourceForSchema(const std::string& connection, const std::string& schema);

/// A PostgreSQL error: the server's message and its SQLSTATE ("42501" permission denied …).
class PgError : public IoError {
public:
    PgError(std::string message, std::string sqlState, ErrorContext context = {});
    const std::string& sqlState() const noexcept { return m_sqlState; }

private:
    std::string m_sqlState;
};

/// The rows of one query. Values are text (libpq's text format); null is nullopt.
class PgResult {
public:
    explicit PgResult(pg_result* result);
    PgResult(PgResult&&) noexcept;
    PgResult& operator=(PgResult&&) noexcept;
    ~PgResult();

    int rows() const;
    int columns() const;
    bool isNull(int row, int column) const;
    std::string text(int row, int column) const; // "" for null
    std::optional<std::string> value(int row, int column) const;
    double number(int row, int column) const;    // NaN for null
    std::int64_t integer(int row, int column) const;
    std::string columnName(int column) const;
    /// Rows a command changed (UPDATE, DELETE, INSERT).
    std::int64_t affectedRows() const;

private:
    pg_result* m_result = nullptr;
};

using PgParameter = std::optional<std::string>;

/// One libpq connection. Every value goes to the server as a parameter ($1, $2 …) and every
/// identifier through quoteIdentifier(): no SQL is ever built from a value. Not thread-safe:
/// one connection per thread.
class PgConnection {
public:
    /// Connects (libpq URI, key=value string, or `PG:` + either). Throws IoError naming the
    /// server (never the password) with libpq's message.
    explicit PgConnection(std::string_view source);
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    /// Runs one statement with parameters in text form. Throws PgError with the server's
    /// message and SQLSTATE.
    PgResult exec(const std::string& sql, const std::vector<PgParameter>& parameters = {});

    /// COPY … FROM STDIN in COPY's text format (appendCopyText): beginCopy, then putCopy as
    /// often as needed, then endCopy (which throws PgError when the server refused a row).
    void beginCopy(const std::string& copySql);
    void putCopy(std::string_view data);
    void endCopy();

    /// "quoted" identifier, with embedded quotes doubled (PQescapeIdentifier).
    std::string quoteIdentifier(std::string_view name) const;
    /// 'literal', quoted for SQL that cannot take parameters (PQescapeLiteral).
    std::string quoteLiteral(std::string_view value) const;
    /// schema.table, both quoted.
    std::string qualified(std::string_view schema, std::string_view table) const;

    /// The park's schema: the first schema the search path names (the libpq
    /// `options=-csearch_path=…` of the connection or the role's default; "$user" only when
    /// such a schema exists), "public" on a plain server. It may not exist yet (push creates it).
    std::string currentSchema();
    /// The role the session runs as.
    std::string currentUser();
    /// host:port/dbname as libpq resolved it, for messages (no password).
    std::string describe() const;

    pg_conn* handle() const { return m_connection; }

private:
    pg_conn* m_connection = nullptr;
};

/// BEGIN on construction, ROLLBACK on destruction unless commit() was called.
class PgTransaction {
public:
    explicit PgTransaction(PgConnection& connection);
    ~PgTransaction();
    PgTransaction(const PgTransaction&) = delete;
    PgTransaction& operator=(const PgTransaction&) = delete;
    void commit();

private:
    PgConnection& m_connection;
    bool m_open = true;
};

/// A value escaped for COPY's text format (backslash, tab, newline, carriage return).
void appendCopyText(std::string& out, std::string_view value);

} // namespace parkatlas::geo
