#include "app/desktop/ledger_locator.h"

#include "geo/model/park.h"

#include <QCoreApplication>

#include <algorithm>

namespace parkatlas::desktop {

namespace {

/// The layers a ledger's rows are made of (rolesFor() also names those it only reads).
std::vector<geo::Role> subjectRoles(geo::LedgerKind kind)
{
    switch (kind) {
    case geo::LedgerKind::Acquisition:
        return {geo::Role::Acquisition};
    case geo::LedgerKind::Idle:
        return {geo::Role::IdleLand};
    case geo::LedgerKind::Works:
        return {geo::Role::Roads, geo::Role::Pipelines};
    case geo::LedgerKind::Supply:
        return {geo::Role::Parcels};
    }
    return {};
}

/// What the ledger writes for an unknown group (geo/ledger: kUnknown).
const std::string kUnknownGroup = "（未知）";

std::string trimmed(std::string text)
{
    const auto blank = [](unsigned char c) { return c == ' ' || c == '\t'; };
    while (!text.empty() && blank(static_cast<unsigned char>(text.back())))
        text.pop_back();
    std::size_t start = 0;
    while (start < text.size() && blank(static_cast<unsigned char>(text[start])))
        ++start;
    return text.substr(start);
}

} // namespace

LedgerRowFeatures ledgerRowFeatures(const geo::LedgerTable& table, std::size_t row,
                                    geo::LedgerKind kind,
                                    const std::vector<LocatableLayer>& layers)
{
    LedgerRowFeatures found;
    const std::vector<geo::Role> roles = subjectRoles(kind);
    const bool total = row == table.rows.size();
    if (row > table.rows.size() || table.columns.empty()) {
        found.problem = QCoreApplication::translate("parkatlas::desktop::LedgerPanel", "No such row.");
        return found;
    }
    const std::string key = table.columns.front().key;
    std::string value;
    bool unknown = false;
    if (!total) {
        const geo::LedgerCell& cell = table.rows[row].front();
        if (const std::string* text = std::get_if<std::string>(&cell))
            value = trimmed(*text);
        unknown = value.empty() || value == kUnknownGroup;
    }
    bool keyed = false; // some layer holds the key as a contract field
    for (const LocatableLayer& target : layers) {
        if (!target.layer || std::find(roles.begin(), roles.end(), target.role) == roles.end())
            continue;
        const geo::AttributeTable& attributes = target.layer->attributes;
        int field = -1;
        if (!total) {
            const auto& contract = geo::contractFields(target.role);
            const std::vector<int> resolved =
                geo::resolveContractFields(target.role, attributes, target.fieldMap);
            for (std::size_t c = 0; c < contract.size() && c < resolved.size(); ++c)
                if (contract[c].name == key)
                    field = resolved[c];
            const bool isContractField =
                std::any_of(contract.begin(), contract.end(),
                            [&](const geo::ContractField& f) { return f.name == key; });
            if (!isContractField)
                continue;
            keyed = true;
            if (field < 0 && !unknown)
                continue;
        }
        std::vector<std::uint32_t>& features = found.features[target.index];
        for (std::size_t feature = 0; feature < target.layer->featureCount(); ++feature) {
            bool match = total;
            if (!total) {
                const bool isUnknown = field < 0 || attributes.isUnknown(feature, field);
                match = unknown ? isUnknown
                                : !isUnknown && trimmed(attributes.text(feature, field)) == value;
            }
            if (!match || target.layer->geometry.isEmpty(feature))
                continue;
            features.push_back(static_cast<std::uint32_t>(feature));
            found.extent.expand(target.layer->geometry.envelope(feature));
        }
        if (features.empty())
            found.features.erase(target.index);
    }
    if (found.features.empty())
        found.problem = !total && !keyed
                            ? QCoreApplication::translate("parkatlas::desktop::LedgerPanel", "The rows of this table are not kept by a field of the layer: "
                                 "pick a row of another table to see it on the map.")
                            : QCoreApplication::translate("parkatlas::desktop::LedgerPanel", "No feature on the map holds this row.");
    return found;
}

} // namespace parkatlas::desktop
