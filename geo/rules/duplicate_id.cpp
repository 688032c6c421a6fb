// duplicate_id: two or more plots with the same parcel_id.

#include "geo/rules/compliance_engine.h"

#include "geo/rules/compliance_rule.h"
#include "geo/rules/server_park.h"
#include <iterator>
#include <map>

namespace parkatlas::geo {

using namespace compliance;

namespace {

class DuplicateIdCheck : public RuleStep {
public:
    using RuleStep::RuleStep;

    void checkDuplicateIds()
    {
        const LayerView* parcels = view(Role::Parcels);
        if (!parcels) {
            warn(ComplianceRule::DuplicateId, message("rule_no_layer", "the park has no {role} layer; not checked", {{"role", "parcels"}}));
            return;
        }
        if (parcels->idField < 0) {
            warn(ComplianceRule::DuplicateId, message("rule_no_field", "the {role} have no {field} field; not checked", {{"role", "parcels"}, {"field", "parcel_id"}}));
            return;
        }
        // Sorted by (id, row) in one flat array rather than a tree of a million nodes: the
        // same groups, in the same order, with their rows in the same order. Each worker
        // gathers and sorts its share of the rows, and the shares are walked as one merged array
        // (the pairs are all distinct, so the merge is the array one sort of them all gives).
        using Id = std::pair<std::string, std::size_t>;
        std::vector<std::vector<Id>> shares(m_workers.size());
        ParallelOptions split;
        split.threads = static_cast<unsigned>(shares.size());
        parallelFor(parcels->count(), split, [&](unsigned w, std::size_t begin, std::size_t end) {
            std::vector<Id>& share = shares[w];
            share.reserve(end - begin);
            for (std::size_t i = begin; i < end; ++i)
                if (auto id = parcels->text(i, parcels->idField); id && !id->empty())
                    share.emplace_back(std::move(*id), i);
            std::sort(share.begin(), share.end());
        });
        // The shares are walked together (the smallest head first: the order one sorted array
        // of them all would have) and only the groups of two or more rows are kept: no merged
        // array of a million ids is made on one thread.
        struct Group {
            const std::string* id;
            std::vector<std::size_t> rows;
        };
        std::vector<Group> groups;
        {
            std::vector<std::size_t> head(shares.size(), 0);
            auto smallest = [&]() -> const Id* {
                const Id* best = nullptr;
                for (std::size_t w = 0; w < shares.size(); ++w)
                    if (head[w] < shares[w].size() && (!best || shares[w][head[w]] < *best))
                        best = &shares[w][head[w]];
                return best;
            };
            auto advance = [&](const Id* at) {
                for (std::size_t w = 0; w < shares.size(); ++w)
                    if (head[w] < shares[w].size() && &shares[w][head[w]] == at) {
                        ++head[w];
                        return;
                    }
            };
            std::vector<std::size_t> rows;
            for (const Id* first = smallest(); first;) {
                rows.assign(1, first->second);
                advance(first);
                const Id* next = smallest();
                for (; next && next->first == first->first; next = smallest()) {
                    rows.push_back(next->second);
                    advance(next);
                }
                if (rows.size() >= 2)
                    groups.push_back({&first->first, rows});
                first = next;
            }
        }
        Worker& worker = *m_workers[0];
        for (const Group& group : groups) {
            const std::vector<std::size_t>& rows = group.rows;
            const std::string& id = *group.id;
            Finding f = finding(ComplianceRule::DuplicateId, *parcels, rows.front());
            f.fids.clear();
            std::vector<std::string> fidTexts;
            std::vector<GeosGeomPtr> parts;
            for (std::size_t row : rows) {
                f.fids.push_back(parcels->fid(row));
                fidTexts.push_back(std::to_string(parcels->fid(row)));
                if (GeosGeomPtr g = worker.geos.fromStore(parcels->store(), row))
                    parts.push_back(std::move(g));
            }
            // The plots themselves, to show where they are (no union: they may be invalid).
            std::vector<GEOSGeometry*> raw;
            for (GeosGeomPtr& part : parts)
                raw.push_back(part.release());
            GeosGeomPtr all = worker.geos.own(
                GEOSGeom_createCollection_r(worker.geos.handle(), GEOS_GEOMETRYCOLLECTION,
                                            raw.data(), static_cast<unsigned>(raw.size())));
            f.geometryWkb = worker.wkb(all.get());
            f.reasonZh = "宗地编号 " + id + " 重复：" + std::to_string(rows.size()) +
                         " 个宗地（fid " + joined(fidTexts, "、") + "）";
            f.reasonEn = "parcel_id " + id + " is used by " + std::to_string(rows.size()) +
                         " plots (fid " + joined(fidTexts, ", ") + ")";
            f.evidence = {ev("parcel_id", std::optional<std::string>(id)),
                          ev("count", std::optional<double>(static_cast<double>(rows.size())))};
            worker.findings.push_back(std::move(f));
        }
    }
};

ReadPlan planDuplicateId(ServerPark& park)
{
    ReadPlan plan;
    const std::string id = park.column(Role::Parcels, "parcel_id");
    if (id.empty()) {
        plan.filters[Role::Parcels] = "";
        return plan;
    }
    const std::string trimmed = "btrim(" + id + "::text, E' \\t')";
    plan.filters[Role::Parcels] = "SELECT fid FROM " + park.table(Role::Parcels) + " WHERE " +
                                  trimmed + " IN (SELECT " + trimmed + " FROM " +
                                  park.table(Role::Parcels) + " GROUP BY 1 HAVING count(*) > 1)";
    return plan;
}

const SettingKey<ComplianceSettings::DuplicateId> kSettingKeys[] = {
    {"enabled", &ComplianceSettings::DuplicateId::enabled},
};

} // namespace

extern const ComplianceRuleDefinition kDuplicateIdRule = {
    ComplianceRule::DuplicateId,
    "duplicate_id",
    [](const ComplianceSettings& settings) { return settings.duplicateId.enabled; },
    [](ComplianceSettings& settings, RuleReader& reader) {
        reader.read(settings.duplicateId, kSettingKeys);
    },
    nullptr,
    [](const ComplianceSettings&, std::set<Role>& roles) { roles.insert(Role::Parcels); },
    nullptr,
    [](Engine& engine) { DuplicateIdCheck(engine).checkDuplicateIds(); },
    [](ServerPark& park, ServerPlanContext&) { return planDuplicateId(park); },
    [](const ComplianceSettings&, const ServerPark&) { return std::vector<Role>{Role::Parcels}; },
};

} // namespace parkatlas::geo
