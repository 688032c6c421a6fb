#pragma once

#include <map>
#include <optional>
#include <string>

namespace parkatlas::geo {

/// A feature's values by field name (contract names such as land_use, or the source's own),
/// as text; nullopt is unknown (a null). What an editor hands the store and the edit check.
using FieldValues = std::map<std::string, std::optional<std::string>>;

} // namespace parkatlas::geo
