// protected_overlap: overlap with a protected area (永久基本农田, 生态保护红线 …).

#include "geo/rules/compliance_engine.h"

#include "geo/rules/compliance_rule.h"
#include "geo/rules/server_park.h"

namespace parkatlas::geo {

using namespace compliance;

namespace {

class ProtectedOverlapCheck : public RuleStep {
public:
    using RuleStep::RuleStep;

    void checkProtectedOverlap()
    {
        const auto& s = m_settings.protectedOverlap;
        const LayerView* protectedAreas = view(Role::Protected);
        if (!protectedAreas) {
            warn(ComplianceRule::ProtectedOverlap, message("rule_no_layer", "the park has no {role} layer; not checked", {{"role", "protected"}}));
            return;
        }
        const int kindField = protectedAreas->fieldIndex("kind");
        const int nameField = protectedAreas->fieldIndex("name");
        const EnvelopeIndex index(protectedAreas->store(), [&](std::size_t p) {
            if (!protectedAreas->usable[p])
                return false;
            if (s.kinds.empty())
                return true;
            const auto kind = protectedAreas->text(p, kindField);
            return kind && contains(s.kinds, *kind);
        });
        const auto build = fromLayer(*protectedAreas);
        const std::vector<const LayerView*> targets =
            layersNamed(ComplianceRule::ProtectedOverlap, s.layers, Role::Protected, true);
        parallelOverLayers(targets, [&](const LayerView& layer, Worker& worker, std::size_t i) {
            if (!layer.usable[i])
                return;
            index.query(layer.store().envelope(i), worker.candidates);
            if (worker.candidates.empty())
                return;
            std::sort(worker.candidates.begin(), worker.candidates.end());
            GEOSContextHandle_t h = worker.geos.handle();
            GeosGeomPtr g = worker.geos.fromStore(layer.store(), i);
            std::vector<GeosGeomPtr> pieces;
            std::vector<std::string> kinds, names;
            for (std::uint32_t p : worker.candidates) {
                const GEOSPreparedGeometry* area = worker.prepared(protectedAreas, p, build);
                if (!area || GEOSPreparedIntersects_r(h, area, g.get()) != 1 ||
                    GEOSPreparedTouches_r(h, area, g.get()) == 1)
                    continue;
                GeosGeomPtr piece = GEOSPreparedContains_r(h, area, g.get()) == 1
                                        ? worker.geos.own(GEOSGeom_clone_r(h, g.get()))
                                        : worker.geos.own(GEOSIntersection_r(
                                              h, g.get(), worker.cached(protectedAreas, p, build)));
                if (!piece) {
                    overlayProblem(layer, i, worker.geos.takeLastError());
                    continue;
                }
                // Each area's own overlap must be more than a sliver to name it.
                if (worker.areaM2(piece.get()) <= s.sliverM2)
                    continue;
                pieces.push_back(std::move(piece));
                addUnique(kinds, protectedAreas->text(p, kindField).value_or("(kind unknown)"));
                addUnique(names, protectedAreas->text(p, nameField).value_or(""));
            }
            if (pieces.empty())
                return;
            GeosGeomPtr overlap = worker.unionOf(pieces);
            const double m2 = worker.areaM2(overlap.get());
            if (m2 <= s.sliverM2)
                return;
            Finding f = finding(ComplianceRule::ProtectedOverlap, layer, i);
            f.areaMu = muFromM2(m2);
            f.geometryWkb = worker.wkb(overlap.get());
            const std::string named = names.empty()
                                          ? joined(kinds, "、")
                                          : joined(kinds, "、") + "（" + joined(names, "、") + "）";
            f.reasonZh = layer.describe(i) + " 与" + named + "重叠 " + fixed(f.areaMu) + " 亩（" +
                         fixed(m2) + " m²）";
            f.reasonEn = layer.describeEn(i) + " overlaps " + joined(kinds, ", ") +
                         (names.empty() ? "" : " (" + joined(names, ", ") + ")") + " by " +
                         fixed(f.areaMu) + " mu (" + fixed(m2) + " m²)";
            f.clause = "三区三线管控（永久基本农田、生态保护红线）及河道蓝线、高压走廊控制";
            f.evidence = {ev("kind", std::optional<std::string>(joined(kinds, ", "))),
                          ev("name", names.empty()
                                         ? std::nullopt
                                         : std::optional<std::string>(joined(names, ", "))),
                          ev("overlap_m2", std::optional<double>(m2))};
            worker.findings.push_back(std::move(f));
        });
    }
};

ReadPlan planProtectedOverlap(ServerPark& park, const ComplianceSettings& settings)
{
    ReadPlan plan;
    plan.filters[Role::Protected] = "";
    if (!park.has(Role::Protected))
        return plan;
    for (Role role : rolesNamed(settings.protectedOverlap.layers)) {
        if (!park.has(role) || role == Role::Protected)
            continue;
        plan.filters[role] = "SELECT DISTINCT t.fid FROM " + park.table(role) + " t JOIN " +
                             park.table(Role::Protected) + " q ON t." + kServerGeometry + " && q." +
                             kServerGeometry + " AND ST_Intersects(t." + kServerGeometry + ", q." +
                             kServerGeometry + ")";
    }
    return plan;
}

const SettingKey<ComplianceSettings::ProtectedOverlap> kSettingKeys[] = {
    {"enabled", &ComplianceSettings::ProtectedOverlap::enabled},
    {"layers", &ComplianceSettings::ProtectedOverlap::layers},
    {"kinds", &ComplianceSettings::ProtectedOverlap::kinds},
    {"sliver_m2", &ComplianceSettings::ProtectedOverlap::sliverM2},
};

} // namespace

extern const ComplianceRuleDefinition kProtectedOverlapRule = {
    ComplianceRule::ProtectedOverlap,
    "protected_overlap",
    [](const ComplianceSettings& settings) { return settings.protectedOverlap.enabled; },
    [](ComplianceSettings& settings, RuleReader& reader) {
        reader.read(settings.protectedOverlap, kSettingKeys);
    },
    nullptr,
    [](const ComplianceSettings& settings, std::set<Role>& roles) {
        roles.insert(Role::Protected);
        for (Role role : rolesNamed(settings.protectedOverlap.layers))
            roles.insert(role);
    },
    nullptr,
    [](Engine& engine) { ProtectedOverlapCheck(engine).checkProtectedOverlap(); },
    [](ServerPark& park, ServerPlanContext& context) {
        return planProtectedOverlap(park, context.settings);
    },
    nullptr,
};

} // namespace parkatlas::geo
