// Planning an import (geo::planImport) and building it with the user's choices
// (ImportMapping::exact, geo::ruleFor): what the viewer's Import dialog runs. The plan must say
// what the build does, write nothing, ask for a drawing's CRS instead of failing, and tell for
// each text of a drawing which plot it labels; a choice made per layer must build the same park
// as the same choice in a --mapping file.

#include "geo/error.h"
#include "geo/gdal_session.h"
#include "geo/io/json_writer.h"
#include "geo/issue.h"
#include "geo/measure/area.h"
#include "geo/model/role.h"
#include "geo/store/import_summary.h"
#include "geo/store/park_import.h"
#include "tests/support/dxf_builder.h"
#include "tests/support/scratch_dir.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace parkatlas::geo;
using parkatlas::test::DxfBuilder;
using parkatlas::test::scratch;
namespace fs = std::filesystem;

namespace {

const fs::path kSample = PARKATLAS_SAMPLE_DIR;

/// Every file under `dir` with its size and modification time.
std::map<std::string, std::pair<std::uintmax_t, fs::file_time_type>> listing(const fs::path& dir)
{
    std::map<std::string, std::pair<std::uintmax_t, fs::file_time_type>> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file())
            files[entry.path().string()] = {entry.file_size(), entry.last_write_time()};
    return files;
}

/// Role → feature count of a written park.
std::map<std::string, std::int64_t> countsOf(const fs::path& gpkg)
{
    std::map<std::string, std::int64_t> counts;
    GDALDatasetUniquePtr dataset(GDALDataset::Open(gpkg.string().c_str(), GDAL_OF_VECTOR));
    if (!dataset)
        return counts;
    for (OGRLayer* layer : dataset->GetLayers())
        if (!isHistoryLayerName(layer->GetName())) // the history the import starts: not a role
            counts[layer->GetName()] = layer->GetFeatureCount(TRUE);
    return counts;
}

const ImportedLayer* layerOf(const ImportReport& report, const std::string& sourceEnd,
                             const std::string& layer)
{
    for (const ImportedLayer& l : report.layers)
        if (l.layer == layer && l.source.size() >= sourceEnd.size() &&
            l.source.compare(l.source.size() - sourceEnd.size(), sourceEnd.size(), sourceEnd) == 0)
            return &l;
    return nullptr;
}

std::string summaryOf(const ImportReport& report)
{
    std::ostringstream out;
    writeImportSummary(report, out, false);
    return out.str();
}

} // namespace

TEST(ImportPlanTest, PlanSaysWhatTheBuildWritesAndWritesNothing)
{
    const fs::path dir = scratch("import-plan-same");
    ImportOptions options;
    options.sources = {(kSample / "控规.dxf").string(), (kSample / "shp").string()};
    options.sourceSrs = "EPSG:4547";
    const auto sampleBefore = listing(kSample);
    const auto dirBefore = listing(dir);
    IssueList planIssues;
    const ImportPlan plan = planImport(options, planIssues);
    EXPECT_EQ(listing(kSample), sampleBefore);
    EXPECT_EQ(listing(dir), dirBefore) << "the plan wrote a file";
    EXPECT_TRUE(plan.crsQuestions.empty());
    EXPECT_TRUE(plan.nothingToBuild.empty());

    options.output = (dir / "park.gpkg").string();
    IssueList buildIssues;
    const ImportReport built = importPark(options, buildIssues);
    EXPECT_EQ(plan.report.written, built.written);
    EXPECT_EQ(plan.report.written, countsOf(dir / "park.gpkg"));
    EXPECT_EQ(plan.report.crs, "EPSG:4547");
    // The same account, layer by layer, but for where it was written.
    ImportReport planned = plan.report;
    planned.output = built.output;
    EXPECT_EQ(summaryOf(planned), summaryOf(built));
    EXPECT_EQ(plan.report.rolesFromSeveralSources,
              (std::vector<std::string>{"boundary", "plan_zones"}));

    // The preview is the park that is built: the same layers, counts and areas.
    ASSERT_EQ(plan.preview.size(), built.written.size());
    for (const Layer& layer : plan.preview) {
        ASSERT_TRUE(built.written.count(layer.name)) << layer.name;
        EXPECT_EQ(static_cast<std::int64_t>(layer.featureCount()), built.written.at(layer.name));
        EXPECT_EQ(layer.crs.label(), "EPSG:4547");
    }
    const auto planZones = std::find_if(plan.preview.begin(), plan.preview.end(),
                                        [](const Layer& l) { return l.name == "plan_zones"; });
    ASSERT_NE(planZones, plan.preview.end());
    AreaCalculator area(planZones->crs);
    double previewM2 = 0;
    for (std::size_t f = 0; f < planZones->featureCount(); ++f)
        previewM2 += area.areaM2(planZones->geometry, f);
    double builtM2 = 0;
    {
        GDALDatasetUniquePtr park(
            GDALDataset::Open((dir / "park.gpkg").string().c_str(), GDAL_OF_VECTOR));
        ASSERT_TRUE(park);
        for (auto& feature : *park->GetLayerByName("plan_zones"))
            builtM2 += feature->GetGeometryRef()->toMultiPolygon()->get_Area();
    }
    AreaCalculator planar(planZones->crs, AreaMethod::Planar);
    double previewPlanarM2 = 0;
    for (std::size_t f = 0; f < planZones->featureCount(); ++f)
        previewPlanarM2 += planar.areaM2(planZones->geometry, f);
    EXPECT_NEAR(previewPlanarM2, builtM2, 1e-6 * builtM2);
    EXPECT_GT(previewM2, 0);
}

TEST(ImportPlanTest, ADrawingWithoutCrsIsAQuestionWhereTheBuildStops)
{
    const fs::path dir = scratch("import-plan-crs");
    ImportOptions options;
    options.sources = {(kSample / "控规.dxf").string()};
    IssueList issues;
    const ImportPlan plan = planImport(options, issues);
    ASSERT_EQ(plan.crsQuestions.size(), 1u);
    const CrsQuestion& question = plan.crsQuestions.front();
    EXPECT_EQ(question.path, options.sources.front());
    EXPECT_FALSE(question.extent.isEmpty());
    EXPECT_NE(question.message.find("no coordinate system"), std::string::npos);
    // The plan still says what each layer becomes, in the drawing's own coordinates.
    EXPECT_EQ(plan.report.written.at("plan_zones"), 125);
    EXPECT_TRUE(plan.report.crs.empty());

    options.output = (dir / "park.gpkg").string();
    try {
        importPark(options, issues);
        FAIL() << "built a park without a CRS";
    } catch (const CrsError& error) {
        EXPECT_EQ(error.message(), question.message);
    }
    EXPECT_FALSE(fs::exists(dir / "park.gpkg"));
}

TEST(ImportPlanTest, EachTextSaysWhichPlotItLabelsOrWhyNone)
{
    const fs::path dir = scratch("import-plan-texts");
    DxfBuilder dxf;
    dxf.polyline("控规地块", {{0, 0}, {100, 0}, {100, 60}, {0, 60}}, true);
    dxf.text("控规标注", 50, 30, "A-01");
    dxf.text("控规标注", 50, 20, "M1");
    dxf.text("控规标注", 100, 30, "B-02"); // on the east edge
    dxf.text("控规标注", 500, 500, "孤立文字");
    dxf.line("道路中心线", 0, -20, 600, -20);
    dxf.text("道路中心线", 300, -18, "临港大道");
    const fs::path drawing = dir / "plan.dxf";
    dxf.save(drawing.string(), "GBK");

    ImportOptions options;
    options.sources = {drawing.string()};
    options.sourceSrs = "EPSG:4547";
    IssueList issues;
    const ImportPlan plan = planImport(options, issues);
    ASSERT_EQ(plan.texts.size(), 5u);
    std::map<std::string, const PlannedText*> byText;
    for (const PlannedText& text : plan.texts)
        byText[text.text] = &text;
    for (const char* label : {"A-01", "M1"}) {
        const PlannedText& text = *byText.at(label);
        EXPECT_TRUE(text.assigned) << label;
        EXPECT_EQ(text.plotLayer, "控规地块");
        EXPECT_EQ(text.plotEntity.rfind("entity ", 0), 0u) << text.plotEntity;
        EXPECT_EQ(text.layer, "控规标注");
    }
    EXPECT_FALSE(byText.at("B-02")->assigned);
    EXPECT_NE(byText.at("B-02")->reason.find("on the edge of"), std::string::npos);
    EXPECT_DOUBLE_EQ(byText.at("B-02")->x, 100);
    EXPECT_DOUBLE_EQ(byText.at("B-02")->y, 30);
    EXPECT_EQ(byText.at("孤立文字")->reason, "outside every plot");
    EXPECT_DOUBLE_EQ(byText.at("孤立文字")->x, 500);
    EXPECT_FALSE(byText.at("临港大道")->assigned);
    EXPECT_FALSE(byText.at("临港大道")->label);
    EXPECT_TRUE(byText.at("孤立文字")->label);
    EXPECT_NE(byText.at("临港大道")->reason.find("roads"), std::string::npos);
    // The report's counts agree with the list.
    EXPECT_EQ(plan.report.textsAssigned, 2);
    EXPECT_EQ(plan.report.unassignedTexts.size(), 2u);
    EXPECT_EQ(plan.report.textsNotLabels, 1);
}

TEST(ImportPlanTest, AChoicePerLayerBuildsWhatTheSameMappingFileBuilds)
{
    const fs::path dir = scratch("import-plan-choice");
    ImportOptions options;
    options.sources = {(kSample / "控规.dxf").string(), (kSample / "shp").string()};
    options.sourceSrs = "EPSG:4547";
    IssueList issues;
    const ImportPlan first = planImport(options, issues);
    const ImportedLayer* shpPlan = layerOf(first.report, "plan_zones.shp", "plan_zones");
    const ImportedLayer* cadBoundary = layerOf(first.report, "控规.dxf", "规划范围");
    ASSERT_TRUE(shpPlan);
    ASSERT_TRUE(cadBoundary) << summaryOf(first.report);
    ASSERT_EQ(shpPlan->role, Role::PlanZones);
    ASSERT_EQ(cadBoundary->role, Role::Boundary);
    ASSERT_FALSE(cadBoundary->kind.empty()); // 规划范围: the boundary's kind, from the table

    // The shapefile's plan zones left out; the drawing's boundary kept with its kind.
    ImportOptions chosen = options;
    chosen.mapping.exact[{shpPlan->source, shpPlan->layer}] = ruleFor(*shpPlan, std::nullopt, {});
    chosen.mapping.exact[{cadBoundary->source, cadBoundary->layer}] =
        ruleFor(*cadBoundary, Role::Boundary, {});
    const ImportPlan second = planImport(chosen, issues);
    const ImportedLayer* shpPlanNow = layerOf(second.report, "plan_zones.shp", "plan_zones");
    ASSERT_TRUE(shpPlanNow);
    EXPECT_FALSE(shpPlanNow->role);
    EXPECT_EQ(shpPlanNow->roleReason, "skipped by chosen by the user");
    EXPECT_EQ(layerOf(second.report, "控规.dxf", "规划范围")->kind, cadBoundary->kind);
    EXPECT_EQ(second.report.written.at("plan_zones"), 125); // the drawing's alone
    EXPECT_EQ(std::count(second.report.rolesFromSeveralSources.begin(),
                         second.report.rolesFromSeveralSources.end(), "plan_zones"),
              0);

    chosen.output = (dir / "chosen.gpkg").string();
    const ImportReport byChoice = importPark(chosen, issues);
    EXPECT_EQ(byChoice.written, second.report.written);

    // The same choice as a --mapping file.
    const fs::path mapping = dir / "map.json";
    std::ofstream(mapping) << R"({"layers": {"plan_zones.shp:plan_zones": null}})";
    ImportOptions byFile = options;
    byFile.mapping = ImportMapping::load(mapping.string());
    byFile.output = (dir / "file.gpkg").string();
    const ImportReport byMapping = importPark(byFile, issues);
    EXPECT_EQ(byMapping.written, byChoice.written);
    EXPECT_EQ(countsOf(dir / "file.gpkg"), countsOf(dir / "chosen.gpkg"));
}

TEST(ImportPlanTest, AChangedRoleTakesTheNewRolesFieldsAndLosesTheOldKind)
{
    const fs::path dir = scratch("import-plan-role");
    ImportOptions options;
    options.sources = {(kSample / "控规.dxf").string()};
    options.sourceSrs = "EPSG:4547";
    IssueList issues;
    const ImportPlan first = planImport(options, issues);
    const ImportedLayer* boundary = layerOf(first.report, "控规.dxf", "规划范围");
    ASSERT_TRUE(boundary);
    // The planning boundary drawn as an expansion zone: no boundary kind on it.
    const ImportMapping::LayerRule rule = ruleFor(*boundary, Role::Expansion, {});
    EXPECT_TRUE(rule.kind.empty());
    EXPECT_FALSE(rule.skip);
    options.mapping.exact[{boundary->source, boundary->layer}] = rule;
    const ImportPlan second = planImport(options, issues);
    // 核准范围 stays the boundary; 规划范围's parts are expansion zones now.
    ASSERT_GT(boundary->featuresOut, 0);
    EXPECT_EQ(second.report.written.at("expansion"), boundary->featuresOut);
    EXPECT_EQ(second.report.written.at("boundary"),
              first.report.written.at("boundary") - boundary->featuresOut);
    EXPECT_EQ(layerOf(second.report, "控规.dxf", "规划范围")->roleReason, "chosen by the user");
}

TEST(ImportPlanTest, FieldChoicesRenameKeepAndDrop)
{
    const fs::path dir = scratch("import-plan-fields");
    ImportOptions options;
    options.sources = {(kSample / "shp" / "parcels.shp").string()};
    IssueList issues;
    const ImportPlan plan = planImport(options, issues);
    ASSERT_EQ(plan.report.layers.size(), 1u);
    const ImportedLayer& parcels = plan.report.layers.front();
    ASSERT_EQ(parcels.role, Role::Parcels);
    ASSERT_FALSE(parcels.sourceFields.empty());
    EXPECT_EQ(parcels.sourceFields.size(), parcels.fields.size());
    EXPECT_EQ(parcels.sourceCrs, "EPSG:4547");
    // QLR (the owner, by its alias) kept under another name, status dropped, the rest as found.
    std::vector<std::pair<std::string, std::string>> fields = {{"QLR", "owner_name"},
                                                               {"status", ""}};
    options.mapping.exact[{parcels.source, parcels.layer}] =
        ruleFor(parcels, Role::Parcels, fields);
    options.output = (dir / "park.gpkg").string();
    const ImportReport report = importPark(options, issues);
    ASSERT_EQ(report.layers.size(), 1u);
    std::map<std::string, std::string> mapped(report.layers.front().fields.begin(),
                                              report.layers.front().fields.end());
    EXPECT_EQ(mapped.at("QLR"), "owner_name");
    EXPECT_EQ(mapped.at("ZDDM"), "parcel_id");
    EXPECT_EQ(mapped.at("status"), "");
    GDALDatasetUniquePtr park(
        GDALDataset::Open((dir / "park.gpkg").string().c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(park);
    const OGRFeatureDefn* definition = park->GetLayerByName("parcels")->GetLayerDefn();
    EXPECT_GE(definition->GetFieldIndex("owner_name"), 0);
    EXPECT_LT(definition->GetFieldIndex("owner"), 0);
    EXPECT_LT(definition->GetFieldIndex("status"), 0);
    EXPECT_GE(definition->GetFieldIndex("parcel_id"), 0);
}

TEST(ImportPlanTest, JoinsRunInTheBuildAndGoIntoTheReport)
{
    const fs::path dir = scratch("import-plan-join");
    // Two parcel ids of the sample and one no parcel has.
    std::vector<std::string> ids;
    {
        ensureGdal(); // run alone, no geo call has registered the drivers yet
        GDALDatasetUniquePtr sample(
            GDALDataset::Open((kSample / "park.gpkg").string().c_str(), GDAL_OF_VECTOR));
        ASSERT_TRUE(sample);
        for (auto& feature : *sample->GetLayerByName("parcels")) {
            ids.push_back(feature->GetFieldAsString("parcel_id"));
            if (ids.size() == 2)
                break;
        }
    }
    const fs::path ledger = dir / "ledger.csv";
    std::ofstream(ledger) << "宗地代码,年税收（万元）\n"
                          << ids[0] << ",12.5\n"
                          << ids[1] << ",3\nNOPE-1,1\n";
    ImportOptions options;
    options.sources = {(kSample / "shp" / "parcels.shp").string()};
    options.output = (dir / "park.gpkg").string();
    options.joins.push_back({ledger.string(), "parcel_id", "", "", ""});
    IssueList issues;
    const ImportReport report = importPark(options, issues);
    ASSERT_EQ(report.joins.size(), 1u);
    EXPECT_EQ(report.joins.front().matched, 2u);
    ASSERT_EQ(report.joins.front().unmatchedKeys.size(), 1u);
    EXPECT_EQ(report.joins.front().unmatchedKeys.front().key, "NOPE-1");
    std::ostringstream json;
    JsonWriter writer(json);
    writeImportReport(report, writer);
    EXPECT_NE(json.str().find("\"joins\""), std::string::npos);
    EXPECT_NE(json.str().find("NOPE-1"), std::string::npos);
    std::ostringstream text;
    writeImportSummary(report, text, true);
    EXPECT_NE(text.str().find("2 matched"), std::string::npos);

    // A join that fails leaves nothing written.
    options.joins = {{(dir / "missing.csv").string(), "parcel_id", "", "", ""}};
    options.output = (dir / "failed.gpkg").string();
    EXPECT_THROW(importPark(options, issues), IoError);
    EXPECT_FALSE(fs::exists(dir / "failed.gpkg"));
}
