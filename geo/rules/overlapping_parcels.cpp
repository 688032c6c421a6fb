// overlapping_parcels: two plots whose interiors overlap by more than a sliver.

#include "geo/rules/compliance_engine.h"

#include "geo/rules/compliance_rule.h"
#include "geo/rules/interior_disjoint.h"
#include "geo/rules/server_park.h"

namespace parkatlas::geo {

using namespace compliance;

namespace {

class OverlappingParcelsCheck : public RuleStep {
public:
    using RuleStep::RuleStep;

    void checkOverlappingParcels()
    {
        const LayerView* parcels = view(Role::Parcels);
        if (!parcels) {
            warn(ComplianceRule::OverlappingParcels, message("rule_no_layer", "the park has no {role} layer; not checked", {{"role", "parcels"}}));
            return;
        }
        const double sliverM2 = m_settings.overlappingParcels.sliverM2;
        const EnvelopeIndex index(parcels->store(),
                                  [&](std::size_t j) { return parcels->usable[j] != 0; });
        parallel(parcels->count(), [&](Worker& worker, std::size_t i) {
            if (!parcels->usable[i])
                return;
            index.query(parcels->store().envelope(i), worker.candidates);
            std::vector<std::uint32_t> later;
            for (std::uint32_t j : worker.candidates)
                if (j > i)
                    later.push_back(j);
            if (later.empty())
                return;
            std::sort(later.begin(), later.end());
            GEOSContextHandle_t h = worker.geos.handle();
            GeosGeomPtr plot = worker.geos.own(nullptr);
            GeosPreparedPtr prepared;
            for (std::uint32_t j : later) {
                // Neighbours in a clean cadastre share edges vertex for vertex: proven apart
                // without GEOS (a relate per pair was most of the whole check's time).
                if (provesInteriorsDisjoint(parcels->store(), i, parcels->store(), j))
                    continue;
                if (!plot) {
                    plot = worker.geos.fromStore(parcels->store(), i);
                    if (!plot)
                        return;
                    prepared = worker.geos.prepare(plot.get());
                }
                GeosGeomPtr other = worker.geos.fromStore(parcels->store(), j);
                // Neighbours sharing an edge touch: their interiors do not meet.
                if (!other || GEOSPreparedIntersects_r(h, prepared.get(), other.get()) != 1 ||
                    GEOSPreparedTouches_r(h, prepared.get(), other.get()) == 1)
                    continue;
                GeosGeomPtr overlap =
                    worker.geos.own(GEOSIntersection_r(h, plot.get(), other.get()));
                if (!overlap) {
                    overlayProblem(*parcels, i, worker.geos.takeLastError());
                    continue;
                }
                const double m2 = worker.areaM2(overlap.get());
                if (m2 <= sliverM2)
                    continue;
                Finding f = finding(ComplianceRule::OverlappingParcels, *parcels, i);
                f.fids.push_back(parcels->fid(j));
                f.areaMu = muFromM2(m2);
                f.geometryWkb = worker.wkb(overlap.get());
                f.reasonZh = parcels->describe(i) + " 与" + parcels->describe(j) + " 重叠 " +
                             fixed(f.areaMu) + " 亩（" + fixed(m2) + " m²）";
                f.reasonEn = parcels->describeEn(i) + " and " + parcels->describeEn(j) +
                             " overlap by " + fixed(f.areaMu) + " mu (" + fixed(m2) + " m²)";
                f.clause = "不动产登记：宗地不得重叠";
                const std::string otherId = parcels->featureId(j);
                f.evidence = {ev("other_parcel_id", otherId.empty()
                                                        ? std::nullopt
                                                        : std::optional<std::string>(otherId)),
                              ev("overlap_m2", std::optional<double>(m2))};
                worker.findings.push_back(std::move(f));
            }
        });
    }
};

const SettingKey<ComplianceSettings::OverlappingParcels> kSettingKeys[] = {
    {"enabled", &ComplianceSettings::OverlappingParcels::enabled},
    {"sliver_m2", &ComplianceSettings::OverlappingParcels::sliverM2},
};

} // namespace

extern const ComplianceRuleDefinition kOverlappingParcelsRule = {
    ComplianceRule::OverlappingParcels,
    "overlapping_parcels",
    [](const ComplianceSettings& settings) { return settings.overlappingParcels.enabled; },
    [](ComplianceSettings& settings, RuleReader& reader) {
        reader.read(settings.overlappingParcels, kSettingKeys);
    },
    nullptr,
    [](const ComplianceSettings&, std::set<Role>& roles) { roles.insert(Role::Parcels); },
    nullptr,
    [](Engine& engine) { OverlappingParcelsCheck(engine).checkOverlappingParcels(); },
    nullptr,
    nullptr,
};

} // namespace parkatlas::geo
