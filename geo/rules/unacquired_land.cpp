// unacquired_land (征地未完成): land of an expansion zone not covered by batches acquired up to
// the stage works_on_unacquired_land names.

#include "geo/rules/compliance_engine.h"

#include "geo/rules/compliance_rule.h"
#include "geo/rules/server_park.h"

namespace parkatlas::geo {

using namespace compliance;

namespace {

class UnacquiredLandCheck : public RuleStep {
public:
    using RuleStep::RuleStep;

    void checkUnacquiredLand()
    {
        const auto& s = m_settings.unacquiredLand;
        const auto& stages = m_settings.worksOnUnacquiredLand;
        const LayerView* acquisition = view(Role::Acquisition);
        const std::vector<const LayerView*> targets =
            layersNamed(ComplianceRule::UnacquiredLand, s.layers, Role::Acquisition, true);
        if (targets.empty())
            return;
        if (!acquisition)
            warn(ComplianceRule::UnacquiredLand,
                 message("no_acquisition_all_unacquired", "the park has no {role} layer: all the land of every {layers} feature counts as unacquired", {{"role", "acquisition"}, {"layers", joined(s.layers, "/")}}));
        const auto acquiredFrom =
            std::find(stages.stageOrder.begin(), stages.stageOrder.end(), stages.acquiredFromStage);
        const int stageField = acquisition ? acquisition->fieldIndex("stage") : -1;
        std::vector<char> acquired;
        std::optional<EnvelopeIndex> index;
        if (acquisition) {
            acquired.assign(acquisition->count(), 0);
            for (std::size_t a = 0; a < acquisition->count(); ++a) {
                const auto stage = acquisition->text(a, stageField);
                const auto at =
                    stage ? std::find(stages.stageOrder.begin(), stages.stageOrder.end(), *stage)
                          : stages.stageOrder.end();
                acquired[a] = acquisition->usable[a] && at != stages.stageOrder.end() &&
                              acquiredFrom != stages.stageOrder.end() && at >= acquiredFrom;
            }
            index.emplace(acquisition->store(),
                          [&](std::size_t a) { return acquisition->usable[a] != 0; });
        }
        const auto build = acquisition ? fromLayer(*acquisition) : Worker::Builder();
        parallelOverLayers(targets, [&](const LayerView& layer, Worker& worker, std::size_t i) {
            if (!layer.usable[i])
                return;
            GEOSContextHandle_t h = worker.geos.handle();
            GeosGeomPtr g = worker.geos.fromStore(layer.store(), i);
            if (!g)
                return;
            if (index)
                index->query(layer.store().envelope(i), worker.candidates);
            else
                worker.candidates.clear();
            std::sort(worker.candidates.begin(), worker.candidates.end());
            std::vector<GeosGeomPtr> acquiredParts;
            std::vector<std::string> batches;
            for (std::uint32_t a : worker.candidates) {
                const GEOSPreparedGeometry* batch = worker.prepared(acquisition, a, build);
                if (!batch || GEOSPreparedIntersects_r(h, batch, g.get()) != 1 ||
                    GEOSPreparedTouches_r(h, batch, g.get()) == 1)
                    continue;
                addUnique(batches, acquisition->featureId(a).empty()
                                       ? "fid " + std::to_string(acquisition->fid(a))
                                       : acquisition->featureId(a) + "（" +
                                             acquisition->text(a, stageField).value_or("阶段不详") +
                                             "）");
                if (acquired[a])
                    acquiredParts.push_back(
                        worker.geos.own(GEOSGeom_clone_r(h, worker.cached(acquisition, a, build))));
            }
            GeosGeomPtr covered = worker.unionOf(acquiredParts);
            GeosGeomPtr rest = covered
                                   ? worker.geos.own(GEOSDifference_r(h, g.get(), covered.get()))
                                   : worker.geos.own(GEOSGeom_clone_r(h, g.get()));
            if (!rest) {
                overlayProblem(layer, i, worker.geos.takeLastError());
                return;
            }
            const double m2 = worker.areaM2(rest.get());
            if (m2 <= s.sliverM2)
                return;
            const double total = worker.area.areaM2(layer.store(), i, layer.fid(i));
            const double acquiredM2 = covered ? std::max(0.0, total - m2) : 0.0;
            Finding f = finding(ComplianceRule::UnacquiredLand, layer, i);
            f.areaMu = muFromM2(m2);
            f.geometryWkb = worker.wkb(rest.get());
            const std::string stage = stages.acquiredFromStage;
            f.reasonZh = layer.describe(i) + " 有 " + fixed(f.areaMu) + " 亩（占 " +
                         percent(m2 / total) + "）征地未完成（未列入征地批次，或批次在" + stage +
                         "之前）；已征 " + fixed(muFromM2(acquiredM2)) + " 亩" +
                         (batches.empty() ? std::string("；不在任何征地批次内")
                                          : "；涉及征地批次 " + joined(batches, "、"));
            f.reasonEn = layer.describeEn(i) + ": " + fixed(f.areaMu) + " mu (" +
                         percent(m2 / total) + ") not acquired up to " + stage + "; " +
                         fixed(muFromM2(acquiredM2)) + " mu acquired" +
                         (batches.empty() ? std::string("; in no acquisition batch")
                                          : "; batches " + joined(batches, ", "));
            f.clause = "《土地管理法》第四十五条至第四十八条：征收土地依法批准、足额补偿后方可"
                       "纳入开发区用地";
            f.evidence = {ev("unacquired_m2", std::optional<double>(m2)),
                          ev("acquired_mu", std::optional<double>(muFromM2(acquiredM2))),
                          ev("acquired_from_stage", std::optional<std::string>(stage)),
                          ev("batches", batches.empty()
                                            ? std::nullopt
                                            : std::optional<std::string>(joined(batches, ", ")))};
            worker.findings.push_back(std::move(f));
        });
    }
};

const SettingKey<ComplianceSettings::UnacquiredLand> kSettingKeys[] = {
    {"enabled", &ComplianceSettings::UnacquiredLand::enabled},
    {"layers", &ComplianceSettings::UnacquiredLand::layers},
    {"sliver_m2", &ComplianceSettings::UnacquiredLand::sliverM2},
};

} // namespace

extern const ComplianceRuleDefinition kUnacquiredLandRule = {
    ComplianceRule::UnacquiredLand,
    "unacquired_land",
    [](const ComplianceSettings& settings) { return settings.unacquiredLand.enabled; },
    [](ComplianceSettings& settings, RuleReader& reader) {
        reader.read(settings.unacquiredLand, kSettingKeys);
    },
    nullptr,
    [](const ComplianceSettings& settings, std::set<Role>& roles) {
        roles.insert(Role::Acquisition);
        for (Role role : rolesNamed(settings.unacquiredLand.layers))
            roles.insert(role);
    },
    nullptr,
    [](Engine& engine) { UnacquiredLandCheck(engine).checkUnacquiredLand(); },
    nullptr,
    nullptr,
};

} // namespace parkatlas::geo
