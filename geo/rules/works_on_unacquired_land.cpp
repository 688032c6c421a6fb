// works_on_unacquired_land: a road or pipeline under way on land whose acquisition is not
// complete.

#include "geo/rules/compliance_engine.h"

#include "geo/rules/compliance_rule.h"
#include "geo/rules/server_park.h"
#include "geo/rules/shared_unions.h"

namespace parkatlas::geo {

using namespace compliance;

namespace {

class WorksCheck : public RuleStep {
public:
    using RuleStep::RuleStep;

    void checkWorks()
    {
        const auto& s = m_settings.worksOnUnacquiredLand;
        const LayerView* acquisition = view(Role::Acquisition);
        if (!acquisition)
            warn(ComplianceRule::WorksOnUnacquiredLand,
                 message("no_acquisition_works", "the park has no {role} layer: every active works counts as on unacquired land", {{"role", "acquisition"}}));
        const auto acquiredFrom =
            std::find(s.stageOrder.begin(), s.stageOrder.end(), s.acquiredFromStage);
        const int stageField = acquisition ? acquisition->fieldIndex("stage") : -1;
        const int batchName = acquisition ? acquisition->fieldIndex("name") : -1;
        auto isAcquired = [&](std::size_t a) {
            const auto stage = acquisition->text(a, stageField);
            if (!stage)
                return false;
            const auto at = std::find(s.stageOrder.begin(), s.stageOrder.end(), *stage);
            return at != s.stageOrder.end() && acquiredFrom != s.stageOrder.end() &&
                   at >= acquiredFrom;
        };
        std::vector<char> acquired;
        std::optional<EnvelopeIndex> index;
        if (acquisition) {
            acquired.assign(acquisition->count(), 0);
            for (std::size_t a = 0; a < acquisition->count(); ++a)
                acquired[a] = acquisition->usable[a] && isAcquired(a);
            index.emplace(acquisition->store(),
                          [&](std::size_t a) { return acquisition->usable[a] != 0; });
        }
        const auto build = acquisition ? fromLayer(*acquisition) : Worker::Builder();
        const double unitM = m_park.crs.linearUnitM() > 0 ? m_park.crs.linearUnitM() : 1.0;
        const double base = m_progressBase, span = m_progressSpan;
        // The union of the batches a works reaches, by their indices: the same union for every
        // works that reaches the same batches (a clone of it, the same bits).
        SharedUnions unions;
        auto unionOfBatches = [&](Worker& worker, const std::vector<std::uint32_t>& batches) {
            if (batches.empty())
                return worker.geos.own(nullptr);
            GEOSContextHandle_t h = worker.geos.handle();
            auto unite = [&] {
                std::vector<GeosGeomPtr> parts;
                for (std::uint32_t a : batches)
                    parts.push_back(
                        worker.geos.own(GEOSGeom_clone_r(h, worker.cached(acquisition, a, build))));
                return worker.unionOf(parts);
            };
            return batches.size() == 1 ? unite() : unions.unionOf(worker.geos, batches, unite);
        };
        const Role roles[] = {Role::Roads, Role::Pipelines};
        for (std::size_t t = 0; t < 2; ++t) {
            const LayerView* layer = view(roles[t]);
            if (!layer)
                continue;
            const bool roads = roles[t] == Role::Roads && !m_park.crs.isGeographic();
            const int worksStage = layer->fieldIndex("stage");
            const int widthField = layer->fieldIndex("width_m");
            m_progressBase = base + span * static_cast<double>(t) / 2;
            m_progressSpan = span / 2;
            parallel(layer->count(), [&](Worker& worker, std::size_t i) {
                if (!layer->usable[i])
                    return;
                const auto stage = layer->text(i, worksStage);
                if (!stage || !contains(s.worksStages, *stage))
                    return;
                GEOSContextHandle_t h = worker.geos.handle();
                GeosGeomPtr line = worker.geos.fromStore(layer->store(), i);
                GeosGeomPtr strip = worker.geos.own(nullptr);
                const auto width = roads ? layer->number(i, widthField) : std::nullopt;
                if (width && *width > 0)
                    strip = worker.geos.own(
                        GEOSBuffer_r(h, line.get(), *width / 2 / unitM,
                                     std::max(1, m_settings.roadRedLine.quadrantSegments)));
                const GEOSGeometry* footprint = strip ? strip.get() : line.get();
                Envelope envelope = layer->store().envelope(i);
                if (strip) {
                    const double half = *width / 2 / unitM;
                    envelope.minX -= half;
                    envelope.minY -= half;
                    envelope.maxX += half;
                    envelope.maxY += half;
                }
                std::vector<std::uint32_t> acquiredBatches, early;
                if (index)
                    index->query(envelope, worker.candidates);
                else
                    worker.candidates.clear();
                std::sort(worker.candidates.begin(), worker.candidates.end());
                for (std::uint32_t a : worker.candidates) {
                    const GEOSPreparedGeometry* batch = worker.prepared(acquisition, a, build);
                    if (!batch || GEOSPreparedIntersects_r(h, batch, footprint) != 1)
                        continue;
                    if (acquired[a])
                        acquiredBatches.push_back(a);
                    else
                        early.push_back(a);
                }
                GeosGeomPtr covered = unionOfBatches(worker, acquiredBatches);
                auto minus = [&](const GEOSGeometry* g) {
                    return covered ? worker.geos.own(GEOSDifference_r(h, g, covered.get()))
                                   : worker.geos.own(GEOSGeom_clone_r(h, g));
                };
                GeosGeomPtr lineOut = minus(line.get());
                GeosGeomPtr stripOut = strip ? minus(strip.get()) : worker.geos.own(nullptr);
                if (!lineOut || (strip && !stripOut)) {
                    overlayProblem(*layer, i, worker.geos.takeLastError());
                    return;
                }
                const double outM = worker.lengthM(lineOut.get());
                const double outM2 = stripOut ? worker.areaM2(stripOut.get()) : kNaN;
                const bool fires = outM > s.sliverM || (stripOut && outM2 > s.sliverM2);
                if (!fires)
                    return;
                // The early batches the works cross (names and stages), and how much of the
                // works lies in no batch at all, for the reason.
                std::vector<std::string> crossed;
                std::vector<std::uint32_t> earlyBatches;
                const GEOSGeometry* outPart = stripOut ? stripOut.get() : lineOut.get();
                for (std::uint32_t a : early) {
                    const GEOSPreparedGeometry* batch = worker.prepared(acquisition, a, build);
                    if (GEOSPreparedIntersects_r(h, batch, outPart) != 1)
                        continue;
                    earlyBatches.push_back(a);
                    const std::string name =
                        acquisition->text(a, batchName).value_or(acquisition->featureId(a));
                    addUnique(crossed, name + "（" +
                                           acquisition->text(a, stageField).value_or("阶段不详") +
                                           "）");
                }
                GeosGeomPtr earlyUnion = unionOfBatches(worker, earlyBatches);
                GeosGeomPtr noBatch =
                    earlyUnion
                        ? worker.geos.own(GEOSDifference_r(h, lineOut.get(), earlyUnion.get()))
                        : worker.geos.own(GEOSGeom_clone_r(h, lineOut.get()));
                const double noBatchM = noBatch ? worker.lengthM(noBatch.get()) : kNaN;
                Finding f = finding(ComplianceRule::WorksOnUnacquiredLand, *layer, i);
                f.geometryWkb = worker.wkb(outPart);
                if (stripOut)
                    f.areaMu = muFromM2(outM2);
                std::vector<std::string> onWhat;
                if (!crossed.empty())
                    onWhat.push_back("征地批次 " + joined(crossed, "、"));
                if (!(noBatchM <= s.sliverM))
                    onWhat.push_back(
                        "未列入任何征地批次的土地" +
                        (std::isnan(noBatchM) ? std::string() : "（" + fixed(noBatchM) + " m）"));
                f.reasonZh = layer->describe(i) + "（" + *stage + "）有 " + fixed(outM) + " m" +
                             (stripOut ? "（红线内 " + fixed(f.areaMu) + " 亩）" : std::string()) +
                             " 位于未完成征地（" + s.acquiredFromStage + "之前）的土地上：" +
                             joined(onWhat, "；");
                f.reasonEn =
                    layer->describeEn(i) + " (" + *stage + "): " + fixed(outM) + " m" +
                    (stripOut ? " (" + fixed(f.areaMu) + " mu of red-line strip)" : std::string()) +
                    " on land not acquired up to " + s.acquiredFromStage +
                    (crossed.empty() ? std::string()
                                     : "; crosses batches " + joined(crossed, ", "));
                f.clause =
                    "《土地管理法》第四十七条、第四十八条：征收土地应依法足额支付补偿后方可使用";
                f.evidence = {
                    ev("stage", stage),
                    ev("outside_m", std::optional<double>(outM)),
                    ev("strip_outside_m2", stripOut ? std::optional<double>(outM2) : std::nullopt),
                    ev("acquired_from_stage", std::optional<std::string>(s.acquiredFromStage)),
                    ev("early_batches", crossed.empty()
                                            ? std::nullopt
                                            : std::optional<std::string>(joined(crossed, ", "))),
                    ev("in_no_batch_m",
                       std::isnan(noBatchM) ? std::nullopt : std::optional<double>(noBatchM))};
                worker.findings.push_back(std::move(f));
            });
        }
        m_progressBase = base;
        m_progressSpan = span;
    }
};

const SettingKey<ComplianceSettings::WorksOnUnacquiredLand> kSettingKeys[] = {
    {"enabled", &ComplianceSettings::WorksOnUnacquiredLand::enabled},
    {"works_stages", &ComplianceSettings::WorksOnUnacquiredLand::worksStages},
    {"stage_order", &ComplianceSettings::WorksOnUnacquiredLand::stageOrder},
    {"acquired_from_stage", &ComplianceSettings::WorksOnUnacquiredLand::acquiredFromStage},
    {"sliver_m", &ComplianceSettings::WorksOnUnacquiredLand::sliverM},
    {"sliver_m2", &ComplianceSettings::WorksOnUnacquiredLand::sliverM2},
};

} // namespace

extern const ComplianceRuleDefinition kWorksOnUnacquiredLandRule = {
    ComplianceRule::WorksOnUnacquiredLand,
    "works_on_unacquired_land",
    [](const ComplianceSettings& settings) { return settings.worksOnUnacquiredLand.enabled; },
    [](ComplianceSettings& settings, RuleReader& reader) {
        reader.read(settings.worksOnUnacquiredLand, kSettingKeys);
    },
    [](const ComplianceSettings& settings, const std::string& origin, IssueSink& issues) {
        const auto& worksOnUnacquiredLand = settings.worksOnUnacquiredLand;
        const auto& order = worksOnUnacquiredLand.stageOrder;
        if (std::find(order.begin(), order.end(), worksOnUnacquiredLand.acquiredFromStage) ==
            order.end())
            issues.report(withMessage({Issue::Severity::Warning, origin, {}, -1},
                                      message("stage_not_in_order",
                                              "{setting} \"{stage}\" is not in stage_order: no batch counts as acquired",
                                              {{"setting", "rules.works_on_unacquired_land.acquired_from_stage"}, {"stage", worksOnUnacquiredLand.acquiredFromStage}})));
    },
    [](const ComplianceSettings&, std::set<Role>& roles) {
        roles.insert({Role::Roads, Role::Pipelines, Role::Acquisition});
    },
    nullptr,
    [](Engine& engine) { WorksCheck(engine).checkWorks(); },
    nullptr,
    nullptr,
};

} // namespace parkatlas::geo
