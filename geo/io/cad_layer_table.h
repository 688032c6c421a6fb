#pragma once

#include "geo/model/role.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::geo {

/// How a CAD layer name goes to a park role: the table of styles/cad_layers.json (see
/// styles/README.md). Immutable once loaded; safe to use from several threads.
class CadLayerTable {
public:
    struct Pattern {
        std::string match;        // "控规地块", "KG"
        std::optional<Role> role; // nullopt: not a contract layer
        std::string kind;         // fills the role's `kind` field, or ""
        std::string why;          // for role-less patterns: what the report says
    };

    /// Reads a cad_layers.json. Throws IoError naming the file when it cannot be read, or an
    /// entry names a role that does not exist.
    static CadLayerTable load(const std::string& path);
    /// stylePath("cad_layers.json"), loaded once per process. Throws IoError.
    static const CadLayerTable& standard();

    /// The first pattern the layer name matches (Chinese patterns as substrings, Latin ones as
    /// whole Latin-letter words, case-insensitively), or null.
    const Pattern* match(std::string_view layerName) const;

    const std::vector<Pattern>& patterns() const { return m_patterns; }

private:
    std::vector<Pattern> m_patterns;
};

/// The role a conventional role name stands for ("plan_zones" → PlanZones), exactly; nullopt
/// for anything else.
std::optional<Role> roleFromName(std::string_view roleName);

} // namespace parkatlas::geo
