#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::geo {

/// What a layer is in a park (DESIGN.md, "The data contract").
enum class Role {
    Boundary,
    Parcels,
    PlanZones,
    Acquisition,
    IdleLand,
    Roads,
    Pipelines,
    Facilities,
    Buildings,
    Protected,
    Expansion,
};

/// Every role, in the data contract's order.
const std::vector<Role>& allRoles();

/// The conventional layer name: "boundary", "parcels", "plan_zones" …
const char* toString(Role role);
/// The Chinese name for reports and the UI: "园区边界", "宗地", "控规地块" …
const char* chineseName(Role role);

/// The role a layer or file name stands for: the conventional name, its Chinese names
/// ("宗地", "地块", "征地", "控规" …) and common spellings ("plan_zone", "idle"), matched
/// case-insensitively on the whole name. nullopt for anything else.
std::optional<Role> roleFromLayerName(std::string_view name);

/// True for a role layer's kept history ("parcels_history", geo/store/history.h): never a role,
/// whatever the file it lies in is called.
bool isHistoryLayerName(std::string_view name);

/// A field of the data contract with its aliases (survey codes and Chinese names).
struct ContractField {
    const char* name;                 // conventional: "parcel_id"
    std::vector<const char*> aliases; // "ZDDM", "DKBH", "宗地代码" …
};

/// The contract's fields of a role.
const std::vector<ContractField>& contractFields(Role role);

} // namespace parkatlas::geo
