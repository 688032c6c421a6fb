// invalid_geometry: GEOS validity of every feature of every layer; the other geometric rules
// use only the features it finds valid.

#include "geo/rules/compliance_engine.h"
#include "geo/model/issue_text.h"

#include "geo/rules/compliance_rule.h"
#include "geo/rules/interior_disjoint.h"
#include "geo/rules/server_park.h"

namespace parkatlas::geo {

using namespace compliance;

namespace {

class ValidityCheck : public RuleStep {
public:
    using RuleStep::RuleStep;

    void checkValidity()
    {
        std::vector<LayerView*> layers;
        for (auto& [role, layer] : m_views)
            layers.push_back(&layer);
        for (std::size_t k = 0; k < layers.size(); ++k) {
            LayerView& layer = *layers[k];
            layer.usable.assign(layer.count(), 0);
            const GeometryKind kind = layer.kind();
            const double base = m_progressBase, span = m_progressSpan;
            m_progressBase = base + span * static_cast<double>(k) / layers.size();
            m_progressSpan = span / layers.size();
            parallel(layer.count(), [&](Worker& worker, std::size_t i) {
                if (layer.store().isEmpty(i))
                    return;
                if (kind == GeometryKind::Point || kind == GeometryKind::None) {
                    layer.usable[i] = 1;
                    return;
                }
                // A plot with one simple ring is proven valid without GEOS (exact or silent:
                // anything it cannot prove goes to GEOSisValidDetail below).
                if (kind == GeometryKind::Polygon && provesValidSimplePolygon(layer.store(), i)) {
                    layer.usable[i] = 1;
                    return;
                }
                std::string problem;
                GeosGeomPtr geometry = worker.geos.fromStore(layer.store(), i, &problem);
                char* reason = nullptr;
                GEOSGeometry* location = nullptr;
                char valid = 0;
                if (geometry)
                    valid = GEOSisValidDetail_r(worker.geos.handle(), geometry.get(), 0, &reason,
                                                &location);
                if (valid == 1) {
                    layer.usable[i] = 1;
                    return;
                }
                if (reason) {
                    problem = reason;
                    GEOSFree_r(worker.geos.handle(), reason);
                } else if (geometry) {
                    problem = worker.geos.takeLastError();
                }
                GeosGeomPtr where = worker.geos.own(location);
                if (runs(ComplianceRule::InvalidGeometry))
                    invalidFinding(worker, layer, i, problem, where.get());
            });
            m_progressBase = base;
            m_progressSpan = span;
        }
    }

    void invalidFinding(Worker& worker, const LayerView& layer, std::size_t row,
                        const std::string& problem, const GEOSGeometry* location)
    {
        Finding f = finding(ComplianceRule::InvalidGeometry, layer, row);
        double x = kNaN, y = kNaN;
        if (location) {
            GEOSGeomGetX_r(worker.geos.handle(), location, &x);
            GEOSGeomGetY_r(worker.geos.handle(), location, &y);
            f.geometryWkb = worker.wkb(location);
        }
        // No area: an invalid ring has none a person could use (a bow-tie measures ~0).
        const std::string where =
            location ? "，位置 (" + fixed(x, 2) + ", " + fixed(y, 2) + ")" : std::string();
        const std::string whereEn =
            location ? " at (" + fixed(x, 2) + ", " + fixed(y, 2) + ")" : std::string();
        f.reasonZh = layer.describe(row) + " 几何无效：" +
                     messagePartText(problem, Language::Chinese) + where +
                     "；不参与其他空间规则（未修复）";
        f.reasonEn = layer.describeEn(row) + " has an invalid geometry: " + problem + whereEn +
                     "; left out of the other geometric rules (not repaired)";
        f.clause = "GEOS IsValid (OGC Simple Features)";
        f.evidence = {ev("problem", std::optional<std::string>(problem)),
                      ev("x", location ? std::optional<double>(x) : std::nullopt),
                      ev("y", location ? std::optional<double>(y) : std::nullopt)};
        worker.findings.push_back(std::move(f));
    }
};

ReadPlan planInvalidGeometry(ServerPark& park)
{
    ReadPlan plan;
    for (Role role : allRoles())
        if (park.has(role))
            plan.filters[role] = "SELECT fid FROM " + park.table(role) + " WHERE NOT ST_IsValid(" +
                                 kServerGeometry + ")";
    return plan;
}

const SettingKey<ComplianceSettings::InvalidGeometry> kSettingKeys[] = {
    {"enabled", &ComplianceSettings::InvalidGeometry::enabled},
};

} // namespace

extern const ComplianceRuleDefinition kInvalidGeometryRule = {
    ComplianceRule::InvalidGeometry,
    "invalid_geometry",
    [](const ComplianceSettings& settings) { return settings.invalidGeometry.enabled; },
    [](ComplianceSettings& settings, RuleReader& reader) {
        reader.read(settings.invalidGeometry, kSettingKeys);
    },
    nullptr,
    [](const ComplianceSettings&, std::set<Role>& roles) {
        for (Role role : allRoles())
            roles.insert(role);
    },
    // Validity always runs: every geometric rule reads which features are usable.
    [](const Engine&) { return true; },
    [](Engine& engine) { ValidityCheck(engine).checkValidity(); },
    [](ServerPark& park, ServerPlanContext&) { return planInvalidGeometry(park); },
    nullptr,
};

} // namespace parkatlas::geo
