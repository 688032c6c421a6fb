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
    case geo::LedgerKind::StandardLand:
        return {geo::Role::Parcels};
    }
    return {};
}

/// What the ledger writes for an unknown group (geo/ledger: kUnknown), a lot left empty and a
/// lot masked ("（标段未知：xx）").
const std::string kUnknownGroup = "（未知）";
const std::string kNoLot = "（未分标段）";
const std::string kMaskedLot = "（标段未知：";

enum class Match { Value, Unknown, Empty };

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
                                    geo::LedgerKind kind, const std::vector<LocatableLayer>& layers)
{
    LedgerRowFeatures found;
    const std::vector<geo::Role> roles = subjectRoles(kind);
    const bool total = row == table.rows.size();
    if (row > table.rows.size() || table.columns.empty()) {
        found.problem =
            QCoreApplication::translate("parkatlas::desktop::LedgerPanel", "No such row.");
        return found;
    }
    const std::string key = table.columns.front().key;
    std::string value;
    if (!total)
        if (const std::string* text = std::get_if<std::string>(&table.rows[row].front()))
            value = trimmed(*text);
    bool keyed = false; // some layer holds the key as a contract field
    for (const LocatableLayer& target : layers) {
        if (!target.layer || std::find(roles.begin(), roles.end(), target.role) == roles.end())
            continue;
        // What the row's key is in this layer: a contract field and the value it holds there.
        std::string field = key;
        std::string wanted = value;
        if (kind == geo::LedgerKind::Works && key == "class") {
            // "道路·主干路", "管网·雨水": the layer, then its class field's value.
            const std::string road = "道路·";
            const std::string pipe = "管网·";
            const bool isRoad = target.role == geo::Role::Roads;
            const std::string& prefix = isRoad ? road : pipe;
            if (!total && value.rfind(prefix, 0) != 0)
                continue;
            field = isRoad ? "road_class" : "kind";
            wanted = total ? std::string() : value.substr(prefix.size());
            if (wanted == "未知")
                wanted = kUnknownGroup;
        }
        Match match = Match::Value;
        if (wanted.empty() || wanted == kUnknownGroup) {
            match = Match::Unknown;
        } else if (wanted == kNoLot) {
            match = Match::Empty;
        } else if (wanted.rfind(kMaskedLot, 0) == 0 && wanted.size() > kMaskedLot.size() + 3) {
            // "（标段未知：xx）": the lot as written.
            wanted = wanted.substr(kMaskedLot.size(), wanted.size() - kMaskedLot.size() - 3);
        }
        const geo::AttributeTable& attributes = target.layer->attributes;
        int column = -1;
        if (!total) {
            const auto& contract = geo::contractFields(target.role);
            const bool isContractField =
                std::any_of(contract.begin(), contract.end(),
                            [&](const geo::ContractField& f) { return field == f.name; });
            if (!isContractField)
                continue;
            keyed = true;
            const std::vector<int> resolved =
                geo::resolveContractFields(target.role, attributes, target.fieldMap);
            for (std::size_t c = 0; c < contract.size() && c < resolved.size(); ++c)
                if (field == contract[c].name)
                    column = resolved[c];
            if (column < 0 && match == Match::Value)
                continue;
        }
        std::vector<std::uint32_t>& features = found.features[target.index];
        for (std::size_t feature = 0; feature < target.layer->featureCount(); ++feature) {
            bool hit = total;
            if (!total) {
                const std::string text =
                    column < 0 ? std::string() : trimmed(attributes.text(feature, column));
                switch (match) {
                case Match::Unknown:
                    hit = column < 0 || attributes.isUnknown(feature, column);
                    break;
                case Match::Empty:
                    hit = text.empty();
                    break;
                case Match::Value:
                    hit = text == wanted;
                    break;
                }
            }
            if (!hit || target.layer->geometry.isEmpty(feature))
                continue;
            features.push_back(static_cast<std::uint32_t>(feature));
            found.extent.expand(target.layer->geometry.envelope(feature));
        }
        if (features.empty())
            found.features.erase(target.index);
    }
    if (found.features.empty())
        found.problem = !total && !keyed
                            ? QCoreApplication::translate(
                                  "parkatlas::desktop::LedgerPanel",
                                  "The rows of this table are not kept by a field of the layer: "
                                  "pick a row of another table to see it on the map.")
                            : QCoreApplication::translate("parkatlas::desktop::LedgerPanel",
                                                          "No feature on the map holds this row.");
    return found;
}

} // namespace parkatlas::desktop
