// outside_boundary: a parcel, batch, expansion zone or works outside the park boundary of the
// chosen kind.

#include "geo/rules/compliance_engine.h"

#include "geo/rules/compliance_rule.h"
#include "geo/rules/server_park.h"

namespace parkatlas::geo {

using namespace compliance;

namespace {

class OutsideBoundaryCheck : public RuleStep {
public:
    using RuleStep::RuleStep;

    void checkOutsideBoundary()
    {
        const auto& s = m_settings.outsideBoundary;
        const LayerView* boundary = view(Role::Boundary);
        if (!boundary) {
            warn(ComplianceRule::OutsideBoundary, message("rule_no_layer", "the park has no {role} layer; not checked", {{"role", "boundary"}}));
            return;
        }
        const int kindField = boundary->fieldIndex("kind");
        std::vector<std::size_t> chosen;
        for (std::size_t b = 0; b < boundary->count(); ++b)
            if (boundary->usable[b] && boundary->text(b, kindField) == s.boundaryKind)
                chosen.push_back(b);
        if (chosen.empty()) {
            warn(ComplianceRule::OutsideBoundary,
                 message("no_boundary_of_kind", "no valid boundary of kind \"{kind}\"; not checked", {{"kind", s.boundaryKind}}));
            return;
        }
        // The union of the chosen boundaries, made once and shared as WKB (each worker reads
        // it into its own context).
        std::vector<unsigned char> unionWkb;
        {
            Worker& worker = *m_workers[0];
            std::vector<GeosGeomPtr> parts;
            for (std::size_t b : chosen)
                parts.push_back(worker.geos.fromStore(boundary->store(), b));
            GeosGeomPtr all = worker.unionOf(parts);
            if (!all) {
                warn(ComplianceRule::OutsideBoundary,
                     message("boundaries_not_merged", "the boundaries cannot be merged ({reason})", {{"reason", worker.geos.takeLastError()}}));
                return;
            }
            unionWkb = worker.wkb(all.get());
        }
        const Worker::Builder build = [&unionWkb](GeosContext& geos, std::size_t) {
            return geos.fromWkb(unionWkb);
        };
        const void* key = &unionWkb;
        const std::vector<const LayerView*> targets =
            layersNamed(ComplianceRule::OutsideBoundary, s.layers, Role::Boundary, false);
        parallelOverLayers(targets, [&](const LayerView& layer, Worker& worker, std::size_t i) {
            if (!layer.usable[i])
                return;
            GEOSContextHandle_t h = worker.geos.handle();
            const GEOSPreparedGeometry* inside = worker.prepared(key, 0, build);
            GeosGeomPtr g = worker.geos.fromStore(layer.store(), i);
            if (!inside || !g || GEOSPreparedCovers_r(h, inside, g.get()) == 1)
                return;
            GeosGeomPtr outside =
                GEOSPreparedIntersects_r(h, inside, g.get()) == 1
                    ? worker.geos.own(GEOSDifference_r(h, g.get(), worker.cached(key, 0, build)))
                    : worker.geos.own(GEOSGeom_clone_r(h, g.get()));
            if (!outside) {
                overlayProblem(layer, i, worker.geos.takeLastError());
                return;
            }
            Finding f = finding(ComplianceRule::OutsideBoundary, layer, i);
            const std::string kind = s.boundaryKind;
            if (layer.kind() == GeometryKind::Polygon) {
                const double m2 = worker.areaM2(outside.get());
                if (m2 <= s.sliverM2)
                    return;
                const double total = worker.area.areaM2(layer.store(), i, layer.fid(i));
                f.areaMu = muFromM2(m2);
                f.reasonZh = layer.describe(i) + " 有 " + fixed(f.areaMu) + " 亩在" + kind +
                             "之外（占 " + percent(m2 / total) + "）";
                f.reasonEn = layer.describeEn(i) + ": " + fixed(f.areaMu) +
                             " mu lie outside the boundary (" + kind + "), " + percent(m2 / total) +
                             " of it";
                f.evidence = {ev("boundary_kind", std::optional<std::string>(kind)),
                              ev("outside_m2", std::optional<double>(m2)),
                              ev("outside_share", std::optional<double>(m2 / total))};
            } else if (layer.kind() == GeometryKind::Line) {
                const double m = worker.lengthM(outside.get());
                if (m <= s.sliverM)
                    return;
                const double total = worker.area.lengthM(layer.store(), i);
                f.reasonZh = layer.describe(i) + " 有 " + fixed(m) + " m 在" + kind + "之外（占 " +
                             percent(m / total) + "）";
                f.reasonEn = layer.describeEn(i) + ": " + fixed(m) +
                             " m lie outside the boundary (" + kind + "), " + percent(m / total) +
                             " of it";
                f.evidence = {ev("boundary_kind", std::optional<std::string>(kind)),
                              ev("outside_m", std::optional<double>(m)),
                              ev("outside_share", std::optional<double>(m / total))};
            } else {
                f.reasonZh = layer.describe(i) + " 位于" + kind + "之外";
                f.reasonEn = layer.describeEn(i) + " lies outside the boundary (" + kind + ")";
                f.evidence = {ev("boundary_kind", std::optional<std::string>(kind))};
            }
            f.clause = "开发区四至范围（" + kind + "）";
            f.geometryWkb = worker.wkb(outside.get());
            worker.findings.push_back(std::move(f));
        });
    }
};

ReadPlan planOutsideBoundary(ServerPark& park, const ComplianceSettings& settings)
{
    ReadPlan plan;
    plan.filters[Role::Boundary] = "";
    const std::string kind = park.column(Role::Boundary, "kind");
    if (!park.has(Role::Boundary) || kind.empty())
        return plan;
    const std::string region =
        "(SELECT ST_Union(b." + std::string(kServerGeometry) + ") FROM " +
        park.table(Role::Boundary) + " b WHERE btrim(b." + kind +
        "::text, E' \\t') = " + park.literal(settings.outsideBoundary.boundaryKind) +
        " AND ST_IsValid(b." + kServerGeometry + "))";
    for (Role role : rolesNamed(settings.outsideBoundary.layers)) {
        if (!park.has(role) || role == Role::Boundary)
            continue;
        plan.filters[role] = "SELECT t.fid FROM " + park.table(role) +
                             " t WHERE NOT ST_CoveredBy(t." + kServerGeometry + ", " + region + ")";
    }
    return plan;
}

const SettingKey<ComplianceSettings::OutsideBoundary> kSettingKeys[] = {
    {"enabled", &ComplianceSettings::OutsideBoundary::enabled},
    {"boundary_kind", &ComplianceSettings::OutsideBoundary::boundaryKind},
    {"layers", &ComplianceSettings::OutsideBoundary::layers},
    {"sliver_m2", &ComplianceSettings::OutsideBoundary::sliverM2},
    {"sliver_m", &ComplianceSettings::OutsideBoundary::sliverM},
};

} // namespace

extern const ComplianceRuleDefinition kOutsideBoundaryRule = {
    ComplianceRule::OutsideBoundary,
    "outside_boundary",
    [](const ComplianceSettings& settings) { return settings.outsideBoundary.enabled; },
    [](ComplianceSettings& settings, RuleReader& reader) {
        reader.read(settings.outsideBoundary, kSettingKeys);
    },
    nullptr,
    [](const ComplianceSettings& settings, std::set<Role>& roles) {
        roles.insert(Role::Boundary);
        for (Role role : rolesNamed(settings.outsideBoundary.layers))
            roles.insert(role);
    },
    nullptr,
    [](Engine& engine) { OutsideBoundaryCheck(engine).checkOutsideBoundary(); },
    [](ServerPark& park, ServerPlanContext& context) {
        return planOutsideBoundary(park, context.settings);
    },
    nullptr,
};

} // namespace parkatlas::geo
