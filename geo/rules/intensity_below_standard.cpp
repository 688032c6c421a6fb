// intensity_below_standard: FAR, building coverage, investment and tax per mu of plots in
// production against the zone's and the park's thresholds.

#include "geo/rules/compliance_engine.h"

#include "geo/rules/compliance_rule.h"
#include "geo/rules/server_park.h"

#include <array>

namespace parkatlas::geo {

using namespace compliance;

namespace {

class IntensityCheck : public RuleStep {
public:
    using RuleStep::RuleStep;

    void checkIntensity()
    {
        const auto& s = m_settings.intensityBelowStandard;
        const LayerView* parcels = view(Role::Parcels);
        if (!parcels) {
            warn(ComplianceRule::IntensityBelowStandard, message("rule_no_layer_only", "the park has no {role} layer", {{"role", "parcels"}}));
            return;
        }
        const LayerView* zones = view(Role::PlanZones);
        const LayerView* buildings = view(Role::Buildings);
        if (s.coverageFromBuildings && !buildings)
            warn(ComplianceRule::IntensityBelowStandard,
                 message("no_buildings_coverage", "the park has no {role} layer: building coverage cannot be judged", {{"role", "buildings"}}));
        std::optional<EnvelopeIndex> buildingIndex;
        if (s.coverageFromBuildings && buildings)
            buildingIndex.emplace(buildings->store(),
                                  [&](std::size_t b) { return buildings->usable[b] != 0; });
        const int status = parcels->fieldIndex("status");
        const int floorArea = parcels->fieldIndex("floor_area");
        const int builtArea = parcels->fieldIndex("built_area");
        const int invested = parcels->fieldIndex("invested");
        const int tax = parcels->fieldIndex("tax");
        const int landUse = parcels->fieldIndex("land_use");
        const int farMinField = zones ? zones->fieldIndex("far_min") : -1;
        const int coverMinField = zones ? zones->fieldIndex("cover_min") : -1;

        parallel(parcels->count(), [&](Worker& worker, std::size_t i) {
            if (!parcels->usable[i])
                return;
            const auto state = parcels->text(i, status);
            if (!state || !contains(s.statuses, *state))
                return;
            const std::int32_t zone = i < m_dominantZone.size() ? m_dominantZone[i] : -1;
            const double plotM2 = worker.area.areaM2(parcels->store(), i, parcels->fid(i));
            const double plotMu = muFromM2(plotM2);
            std::vector<std::string> needs, failsZh, failsEn;
            // The figures of the evidence, in order; made into evidence only for a finding (most
            // plots have none).
            struct Figure {
                const char* name;
                std::optional<double> value;
            };
            std::array<Figure, 8> figures;
            std::size_t figureCount = 0;
            auto note = [&](const char* name, const std::optional<double>& value) {
                figures[figureCount++] = {name, value};
            };

            // FAR (容积率) against the zone's minimum.
            std::optional<double> farMin =
                zone >= 0 ? zones->number(zone, farMinField) : std::nullopt;
            if (!farMin)
                farMin = s.farMinDefault;
            std::optional<double> far;
            if (farMin) {
                if (const auto floor = parcels->number(i, floorArea)) {
                    far = *floor / plotM2;
                    if (*far < *farMin) {
                        failsZh.push_back("容积率 " + fixed(*far) + " < " + fixed(*farMin));
                        failsEn.push_back("FAR " + fixed(*far) + " < " + fixed(*farMin));
                    }
                } else {
                    needs.push_back("floor_area");
                }
            }
            note("far", far);
            note("far_min", farMin);

            // Building coverage (建筑系数) against max(zone cover_min, national floor).
            const auto zoneCover = zone >= 0 ? zones->number(zone, coverMinField) : std::nullopt;
            const double coverMin = std::max(zoneCover.value_or(0.0), s.coverageMin);
            std::optional<double> coverage;
            if (s.coverageFromBuildings) {
                if (buildingIndex)
                    coverage = coveredM2(worker, *parcels, i, *buildings, *buildingIndex) / plotM2;
                else
                    needs.push_back("buildings");
            } else if (const auto built = parcels->number(i, builtArea)) {
                coverage = *built / plotM2;
            } else {
                needs.push_back("built_area");
            }
            if (coverage && *coverage < coverMin) {
                failsZh.push_back("建筑系数 " + percent(*coverage) + " < " + percent(coverMin));
                failsEn.push_back("building coverage " + percent(*coverage) + " < " +
                                  percent(coverMin));
            }
            note("coverage", coverage);
            note("coverage_min", std::optional<double>(coverMin));

            // Money per mu: investment intensity (投资强度) and tax (亩均税收).
            auto perMu = [&](int field, const std::optional<double>& minimum, const char* name,
                             const char* zh, const char* en, const char* evidenceName,
                             const char* evidenceMinName) {
                std::optional<double> value;
                if (!minimum)
                    return;
                if (const auto wan = parcels->number(i, field)) {
                    value = *wan / plotMu;
                    if (*value < *minimum) {
                        failsZh.push_back(std::string(zh) + " " + fixed(*value) + " < " +
                                          fixed(*minimum) + " 万元/亩");
                        failsEn.push_back(std::string(en) + " " + fixed(*value) + " < " +
                                          fixed(*minimum) + " 万元/mu");
                    }
                } else {
                    needs.push_back(name);
                }
                note(evidenceName, value);
                note(evidenceMinName, minimum);
            };
            perMu(invested, s.investmentMinWanPerMu, "invested", "投资强度", "investment",
                  "invested_wan_per_mu", "invested_wan_per_mu_min");
            perMu(tax, s.taxMinWanPerMu, "tax", "亩均税收", "tax", "tax_wan_per_mu",
                  "tax_wan_per_mu_min");

            if (!needs.empty())
                cannotDecide(worker, ComplianceRule::IntensityBelowStandard, *parcels, i, needs);
            if (failsZh.empty())
                return;
            Finding f = finding(ComplianceRule::IntensityBelowStandard, *parcels, i);
            f.areaMu = plotMu;
            f.geometryWkb = worker.wkb(worker.geos.fromStore(parcels->store(), i).get());
            f.reasonZh =
                parcels->describe(i) + "（已投产）用地强度不达标：" + joined(failsZh, "；");
            f.reasonEn = parcels->describeEn(i) +
                         " (in production) is below standard: " + joined(failsEn, "; ");
            f.clause =
                "国土资发〔2008〕24号《工业项目建设用地控制指标》；控规指标；园区亩均效益标准";
            f.evidence = {
                ev("land_use", parcels->text(i, landUse)),
                ev("zone_id", zone >= 0 ? zones->text(zone, zones->idField) : std::nullopt),
                ev("parcel_m2", std::optional<double>(plotM2))};
            for (std::size_t k = 0; k < figureCount; ++k)
                f.evidence.push_back(ev(figures[k].name, figures[k].value));
            worker.findings.push_back(std::move(f));
        });
    }

    /// Footprint of `buildings` inside plot `i`, m² (ellipsoidal; overlapping footprints count
    /// twice, as a survey's sum of 占地面积 does).
    double coveredM2(Worker& worker, const LayerView& parcels, std::size_t i,
                     const LayerView& buildings, const EnvelopeIndex& index)
    {
        std::vector<std::uint32_t> candidates;
        index.query(parcels.store().envelope(i), candidates);
        if (candidates.empty())
            return 0;
        GEOSContextHandle_t h = worker.geos.handle();
        GeosGeomPtr plot = worker.geos.fromStore(parcels.store(), i);
        GeosPreparedPtr prepared = worker.geos.prepare(plot.get());
        double covered = 0;
        for (std::uint32_t b : candidates) {
            GeosGeomPtr building = worker.geos.fromStore(buildings.store(), b);
            if (!building || !GEOSPreparedIntersects_r(h, prepared.get(), building.get()))
                continue;
            if (GEOSPreparedContains_r(h, prepared.get(), building.get()) == 1) {
                covered += worker.area.areaM2(buildings.store(), b, buildings.fid(b));
                continue;
            }
            GeosGeomPtr piece = worker.geos.own(GEOSIntersection_r(h, plot.get(), building.get()));
            if (piece)
                covered += worker.areaM2(piece.get());
        }
        return covered;
    }
};

const SettingKey<ComplianceSettings::IntensityBelowStandard> kSettingKeys[] = {
    {"enabled", &ComplianceSettings::IntensityBelowStandard::enabled},
    {"statuses", &ComplianceSettings::IntensityBelowStandard::statuses},
    {"coverage_min", &ComplianceSettings::IntensityBelowStandard::coverageMin},
    {"coverage_source",
     TextChoice<ComplianceSettings::IntensityBelowStandard>{
         &ComplianceSettings::IntensityBelowStandard::coverageFromBuildings, "buildings",
         "built_area"}},
    {"far_min_default", &ComplianceSettings::IntensityBelowStandard::farMinDefault},
    {"investment_min_wan_per_mu",
     &ComplianceSettings::IntensityBelowStandard::investmentMinWanPerMu},
    {"tax_min_wan_per_mu", &ComplianceSettings::IntensityBelowStandard::taxMinWanPerMu},
};

} // namespace

extern const ComplianceRuleDefinition kIntensityBelowStandardRule = {
    ComplianceRule::IntensityBelowStandard,
    "intensity_below_standard",
    [](const ComplianceSettings& settings) { return settings.intensityBelowStandard.enabled; },
    [](ComplianceSettings& settings, RuleReader& reader) {
        reader.read(settings.intensityBelowStandard, kSettingKeys);
    },
    nullptr,
    [](const ComplianceSettings& settings, std::set<Role>& roles) {
        roles.insert({Role::Parcels, Role::PlanZones});
        if (settings.intensityBelowStandard.coverageFromBuildings)
            roles.insert(Role::Buildings);
    },
    nullptr,
    [](Engine& engine) { IntensityCheck(engine).checkIntensity(); },
    nullptr,
    nullptr,
};

} // namespace parkatlas::geo
