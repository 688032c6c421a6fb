#include "geo/io/pg_connection.h"

#include "geo/decimal_text.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace parkatlas::geo {

namespace {

bool startsWithNoCase(std::string_view text, std::string_view prefix)
{
    if (text.size() < prefix.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) !=
            std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
}

std::string trimmedMessage(const char* message)
{
    std::string text = message ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text;
}

} // namespace

bool isPostgresSource(std::string_view source)
{
    return startsWithNoCase(source, "postgresql://") || startsWithNoCase(source, "postgres://") ||
           startsWithNoCase(source, "PG:");
}

std::string libpqConnectionString(std::string_view source)
{
    if (startsWithNoCase(source, "PG:"))
        source.remove_prefix(3);
    return std::string(source);
}

bool carriesPassword(std::string_view source)
{
    const std::string conninfo = libpqConnectionString(source);
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
    if (error)
        PQfreemem(error);
    if (!options)
        return false; // not parseable: the connection itself will say why
    bool found = false;
    for (PQconninfoOption* option = options; option->keyword; ++option)
        if (std::string_view(option->keyword) == "password" && option->val && *option->val)
            found = true;
    PQconninfoFree(options);
    return found;
}

void refusePassword(std::string_view source, const std::string& where)
{
    if (carriesPassword(source))
        throw IoError("the PostgreSQL connection in " + where +
                          " carries a password; ParkAtlas never takes one there. Put it in "
                          "~/.pgpass (or the file PGPASSFILE names, mode 0600) or in a service "
                          "file (~/.pg_service.conf, PGSERVICEFILE) and connect with "
                          "PG:service=NAME",
                      {});
}

PgError::PgError(std::string message, std::string sqlState, ErrorContext context)
    : IoError(std::move(message), std::move(context)), m_sqlState(std::move(sqlState))
{
}

// -- PgResult ----------------------------------------------------------------------------------

PgResult::PgResult(pg_result* result) : m_result(result) {}
PgResult::PgResult(PgResult&& other) noexcept : m_result(other.m_result)
{
    other.m_result = nullptr;
}
PgResult& PgResult::operator=(PgResult&& other) noexcept
{
    std::swap(m_result, other.m_result);
    return *this;
}
PgResult::~PgResult()
{
    if (m_result)
        PQclear(m_result);
}
int PgResult::rows() const { return PQntuples(m_result); }
int PgResult::columns() const { return PQnfields(m_result); }
bool PgResult::isNull(int row, int column) const { return PQgetisnull(m_result, row, column); }
std::string PgResult::text(int row, int column) const
{
    return std::string(PQgetvalue(m_result, row, column),
                       static_cast<std::size_t>(PQgetlength(m_result, row, column)));
}
std::optional<std::string> PgResult::value(int row, int column) const
{
    if (isNull(row, column))
        return std::nullopt;
    return text(row, column);
}
double PgResult::number(int row, int column) const
{
    if (isNull(row, column))
        return std::numeric_limits<double>::quiet_NaN();
    // The server writes '.' whatever our LC_NUMERIC says.
    const auto value = parseDecimal(text(row, column));
    if (!value)
        throw PgError("not a number: '" + text(row, column) + "' in column " + columnName(column),
                      "", {});
    return *value;
}
std::int64_t PgResult::integer(int row, int column) const
{
    return std::stoll(text(row, column));
}
std::string PgResult::columnName(int column) const { return PQfname(m_result, column); }
std::int64_t PgResult::affectedRows() const
{
    const char* count = PQcmdTuples(m_result);
    return count && *count ? std::stoll(count) : 0;
}

// -- PgConnection ------------------------------------------------------------------------------

PgConnection::PgConnection(std::string_view source)
{
    const std::string conninfo = libpqConnectionString(source);
    m_connection = PQconnectdb(conninfo.c_str());
    if (!m_connection)
        throw IoError("cannot connect to PostgreSQL: out of memory", {});
    if (PQstatus(m_connection) != CONNECTION_OK) {
        std::string message = trimmedMessage(PQerrorMessage(m_connection));
        PQfinish(m_connection);
        m_connection = nullptr;
        if (message.find("password") != std::string::npos)
            message += " (put the password in ~/.pgpass, or the file PGPASSFILE names, or in a "
                       "service file)";
        throw IoError("cannot connect to PostgreSQL: " + message, {});
    }
    // The destructor does not run for an object whose constructor throws: a set-up statement
    // failing below must close the connection here.
    try {
        // Text in and out is UTF-8 whatever the server's or the client's locale says.
        PQsetClientEncoding(m_connection, "UTF8");
        exec("SET client_min_messages = warning");
        // A park's schema may be the whole search_path (options=-csearch_path=park1): PostGIS's
        // functions and geometry_columns must still be found, wherever the extension lives.
        exec("SELECT set_config('search_path', current_setting('search_path') || ', ' || "
             "quote_ident(n.nspname), false) FROM pg_extension e JOIN pg_namespace n ON n.oid = "
             "e.extnamespace WHERE e.extname = 'postgis' AND NOT n.nspname = ANY "
             "(current_schemas(false))");
    } catch (...) {
        PQfinish(m_connection);
        m_connection = nullptr;
        throw;
    }
}

PgConnection::~PgConnection()
{
    if (m_connection)
        PQfinish(m_connection);
}

PgResult PgConnection::exec(const std::string& sql, const std::vector<PgParameter>& parameters)
{
    std::vector<const char*> values;
    values.reserve(parameters.size());
    for (const PgParameter& p : parameters)
        values.push_back(p ? p->c_str() : nullptr);
    PGresult* raw = PQexecParams(m_connection, sql.c_str(), static_cast<int>(values.size()),
                                 nullptr, values.data(), nullptr, nullptr, 0);
    PgResult result(raw);
    const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_COPY_IN) {
        const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
        const char* primary = raw ? PQresultErrorField(raw, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
        throw PgError(primary ? trimmedMessage(primary) : trimmedMessage(PQerrorMessage(m_connection)),
                      state ? state : "", {describe(), {}, -1, {}});
    }
    return result;
}

std::string PgConnection::quoteIdentifier(std::string_view name) const
{
    char* quoted = PQescapeIdentifier(m_connection, name.data(), name.size());
    if (!quoted)
        throw IoError("cannot quote the name '" + std::string(name) +
                          "': " + trimmedMessage(PQerrorMessage(m_connection)),
                      {});
    std::string text = quoted;
    PQfreemem(quoted);
    return text;
}

std::string PgConnection::quoteLiteral(std::string_view value) const
{
    char* quoted = PQescapeLiteral(m_connection, value.data(), value.size());
    if (!quoted)
        throw IoError("cannot quote a value: " + trimmedMessage(PQerrorMessage(m_connection)), {});
    std::string text = quoted;
    PQfreemem(quoted);
    return text;
}

std::string PgConnection::qualified(std::string_view schema, std::string_view table) const
{
    return quoteIdentifier(schema) + "." + quoteIdentifier(table);
}

std::string PgConnection::currentSchema()
{
    // The first schema the search_path names ("$user" only when that schema exists), whether
    // or not it exists yet: a park named by its schema must never fall through to public.
    const std::string path = exec("SELECT current_setting('search_path')").text(0, 0);
    std::size_t at = 0;
    while (at < path.size()) {
        while (at < path.size() && (path[at] == ' ' || path[at] == ','))
            ++at;
        if (at >= path.size())
            break;
        std::string name;
        if (path[at] == '"') {
            for (++at; at < path.size(); ++at) {
                if (path[at] == '"' && at + 1 < path.size() && path[at + 1] == '"') {
                    name += '"';
                    ++at;
                } else if (path[at] == '"') {
                    ++at;
                    break;
                } else {
                    name += path[at];
                }
            }
        } else {
            while (at < path.size() && path[at] != ',')
                name += path[at++];
            while (!name.empty() && name.back() == ' ')
                name.pop_back();
        }
        // "$user", quoted as PostgreSQL's default search_path has it or not: the schema named
        // after the user, when there is one (never a schema literally named "$user").
        if (name == "$user") {
            const std::string user = currentUser();
            if (exec("SELECT 1 FROM pg_namespace WHERE nspname = $1", {user}).rows() > 0)
                return user;
            continue;
        }
        if (!name.empty())
            return name;
    }
    throw IoError("the connection's search_path names no schema (set it with "
                  "options=-csearch_path%3DSCHEMA or give --schema)",
                  {describe(), {}, -1, {}});
}

std::string PgConnection::currentUser() { return exec("SELECT current_user").text(0, 0); }

std::string PgConnection::describe() const
{
    const char* host = PQhost(m_connection);
    const char* port = PQport(m_connection);
    const char* db = PQdb(m_connection);
    return std::string("postgresql://") + (host ? host : "") + ":" + (port ? port : "") + "/" +
           (db ? db : "");
}

void PgConnection::beginCopy(const std::string& copySql) { exec(copySql); }

void PgConnection::putCopy(std::string_view data)
{
    if (!data.empty() &&
        PQputCopyData(m_connection, data.data(), static_cast<int>(data.size())) != 1)
        throw IoError("COPY failed: " + trimmedMessage(PQerrorMessage(m_connection)),
                      {describe(), {}, -1, {}});
}

void PgConnection::endCopy()
{
    if (PQputCopyEnd(m_connection, nullptr) != 1)
        throw IoError("COPY failed: " + trimmedMessage(PQerrorMessage(m_connection)),
                      {describe(), {}, -1, {}});
    std::string failure, state;
    while (PGresult* raw = PQgetResult(m_connection)) {
        PgResult result(raw);
        if (PQresultStatus(raw) != PGRES_COMMAND_OK && failure.empty()) {
            failure = trimmedMessage(PQresultErrorMessage(raw));
            const char* s = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
            state = s ? s : "";
        }
    }
    if (!failure.empty())
        throw PgError(failure, state, {describe(), {}, -1, {}});
}

// -- PgTransaction -----------------------------------------------------------------------------

PgTransaction::PgTransaction(PgConnection& connection) : m_connection(connection)
{
    m_connection.exec("BEGIN");
}

PgTransaction::~PgTransaction()
{
    if (m_open) {
        PGresult* r = PQexec(m_connection.handle(), "ROLLBACK");
        PQclear(r);
    }
}

void PgTransaction::commit()
{
    m_connection.exec("COMMIT");
    m_open = false;
}

void appendCopyText(std::string& out, std::string_view value)
{
    for (char c : value) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        default: out += c;
        }
    }
}

namespace {

/// libpq key=value form of any connection string (URI or key=value), for GDAL's PG: prefix.
std::string keyValueForm(const std::string& conninfo)
{
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
    if (!options) {
        std::string message = error ? error : "not a connection string";
        if (error)
            PQfreemem(error);
        throw IoError("cannot read the PostgreSQL connection string: " + message, {});
    }
    std::string out;
    for (PQconninfoOption* option = options; option->keyword; ++option) {
        if (!option->val || !*option->val)
            continue;
        out += out.empty() ? "" : " ";
        out += option->keyword;
        out += "='";
        for (const char* c = option->val; *c; ++c) {
            if (*c == '\'' || *c == '\\')
                out += '\\';
            out += *c;
        }
        out += "'";
    }
    PQconninfoFree(options);
    return out;
}

} // namespace

std::string gdalSourceForSchema(const std::string& connection, const std::string& schema)
{
    // GDAL reads schemas= up to the next space: a schema it cannot name that way is refused
    // rather than misread.
    if (schema.find_first_of(" '\\\"") != std::string::npos)
        throw IoError("the schema name '" + schema +
                          "' holds a space, quote or backslash; GDAL's PostgreSQL driver cannot "
                          "open it (rename the schema)",
                      {});
    return "PG:" + keyValueForm(libpqConnectionString(connection)) + " schemas=" + schema;
}

} // namespace parkatlas::geo
