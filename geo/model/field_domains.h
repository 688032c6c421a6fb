#pragma once

#include "geo/model/role.h"

#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::geo {

/// The values a contract field of a role takes by the data contract (DESIGN.md): the stages of
/// acquisition and works, the kinds of boundaries, idle-land cases, pipelines, facilities and
/// protected areas, the road classes. Empty for a free field (names, ids, numbers, dates) and for
/// land_use, whose codes come from the land-use classification. Editors offer these in a list and
/// still accept other text (parks have their own words).
const std::vector<std::string>& allowedValues(Role role, std::string_view contractField);

} // namespace parkatlas::geo
