#include "geo/rules/server_park.h"

#include "geo/ascii.h"
#include "geo/io/pg_connection.h"

#include <algorithm>

namespace parkatlas::geo {

ServerPark::ServerPark(PgConnection& pg, std::string schema) : m_pg(pg), m_schema(std::move(schema))
{
    PgResult columns = m_pg.exec("SELECT table_name, column_name FROM information_schema."
                                 "columns WHERE table_schema = $1 ORDER BY ordinal_position",
                                 {m_schema});
    for (int r = 0; r < columns.rows(); ++r)
        if (const auto role = roleFromLayerName(columns.text(r, 0));
            role && columns.text(r, 0) == toString(*role))
            m_columns[*role].push_back(columns.text(r, 1));
}

std::string ServerPark::table(Role role) const
{
    return m_pg.qualified(m_schema, toString(role));
}

std::string ServerPark::column(Role role, const std::string& contractName) const
{
    const auto it = m_columns.find(role);
    if (it == m_columns.end())
        return {};
    auto find = [&](const std::string& name) -> std::string {
        for (const std::string& c : it->second)
            if (lowerAscii(c) == lowerAscii(name))
                return m_pg.quoteIdentifier(c);
        return {};
    };
    for (const ContractField& field : contractFields(role)) {
        if (contractName != field.name)
            continue;
        if (std::string c = find(field.name); !c.empty())
            return c;
        for (const char* alias : field.aliases)
            if (std::string c = find(alias); !c.empty())
                return c;
    }
    return find(contractName);
}

std::string ServerPark::literal(const std::string& value) const
{
    return m_pg.quoteLiteral(value);
}

} // namespace parkatlas::geo
