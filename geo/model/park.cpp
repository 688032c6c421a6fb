#include "geo/model/park.h"

namespace parkatlas::geo {

int ParkLayer::field(std::string_view contractName) const
{
    const auto& fields = contractFields(role);
    for (std::size_t i = 0; i < fields.size() && i < fieldIndex.size(); ++i)
        if (contractName == fields[i].name)
            return fieldIndex[i];
    return -1;
}

const ParkLayer* Park::layer(Role role) const
{
    for (const ParkLayer& l : layers)
        if (l.role == role)
            return &l;
    return nullptr;
}

std::vector<int> resolveContractFields(Role role, const AttributeTable& attributes,
                                       const std::map<std::string, std::string>& fieldMap)
{
    std::vector<int> indices;
    for (const ContractField& field : contractFields(role)) {
        int index = -1;
        if (auto it = fieldMap.find(field.name); it != fieldMap.end())
            index = attributes.fieldIndex(it->second);
        if (index < 0)
            index = attributes.fieldIndex(field.name);
        for (const char* alias : field.aliases) {
            if (index >= 0)
                break;
            index = attributes.fieldIndex(alias);
        }
        indices.push_back(index);
    }
    return indices;
}

std::string boundaryParkName(const ParkLayer& boundary)
{
    const AttributeTable& table = boundary.layer->attributes;
    const int name = boundary.field("name"), kind = boundary.field("kind");
    std::string best;
    for (std::size_t row = 0; row < table.rowCount(); ++row) {
        if (name < 0 || table.isUnknown(row, name))
            continue;
        const bool approved = kind >= 0 && table.text(row, kind) == "核准范围";
        if (best.empty() || approved)
            best = table.text(row, name);
        if (approved)
            break;
    }
    return best;
}

} // namespace parkatlas::geo
