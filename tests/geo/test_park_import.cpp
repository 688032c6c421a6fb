// parkatlas import: drawings made here (GBK and UTF-8, bulges, hatches, nested blocks with
// attributes, unclosed rings, texts on edges and outside every plot), a File Geodatabase made
// by GDAL, and the bad inputs.

#include "geo/error.h"
#include "geo/gdal_session.h"
#include "geo/issue.h"
#include "geo/store/park_import.h"
#include "tests/support/dxf_builder.h"
#include "tests/support/scratch_dir.h"

#include <cpl_string.h>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace parkatlas::geo;
using parkatlas::test::DxfBuilder;
namespace fs = std::filesystem;
using parkatlas::test::fileBytes;
using parkatlas::test::scratch;

namespace {

constexpr double kPi = 3.14159265358979323846;

/// The test drawing: plots as a design institute draws them.
DxfBuilder planDrawing()
{
    DxfBuilder dxf;
    // Nested blocks: an outer label block holding an inner one whose text is the plot
    // number; the green ratio is an attribute of the outer INSERT. (GDAL 3.6 drops the
    // attributes of an INSERT nested inside a block definition; those of the INSERT in the
    // drawing, and every text of nested blocks, come through.)
    std::string inner;
    dxf.textTo(inner, "0", 0, 0, "A-01");
    dxf.block("IDTAG", inner);
    std::string outer;
    dxf.insertTo(outer, "0", "IDTAG", 0, 0, {});
    dxf.attdefTo(outer, "GREEN", 0, -4);
    dxf.block("PLOTLABEL", outer);

    // P1: closed, with a semicircular bulge on its east side (radius 30).
    dxf.polyline("控规地块", {{0, 0, 0}, {100, 0, 1.0}, {100, 60, 0}, {0, 60, 0}}, true);
    dxf.text("控规标注", 50, 30, "M1");
    dxf.mtext("控规标注", 50, 20, "{\\fSimSun|b0;容积率\\M+5A1DC2.0}\\P密度≥40%");
    dxf.insert("控规标注", "PLOTLABEL", 30, 40, {{"GREEN", "绿地率≤20%", 30, 36}});
    // P2: ends 2 cm apart: closed. Two land-use codes: reported, not guessed.
    dxf.polyline("控规地块", {{200, 0}, {300, 0}, {300, 60}, {200, 0.02}}, false);
    dxf.text("控规标注", 250, 30, "B0702-1");
    dxf.text("控规标注", 250, 20, "M1");
    dxf.text("控规标注", 250, 10, "R2");
    // P3: open, ends 60 m apart: not a plot.
    dxf.polyline("控规地块", {{400, 0}, {500, 0}, {500, 60}}, false);
    // P4: closed, no texts; one text on its east edge.
    dxf.polyline("控规地块", {{0, 100}, {100, 100}, {100, 160}, {0, 160}}, true);
    dxf.text("控规标注", 100, 130, "C-09");
    // A hatch on 用地 with a stacked label; the same hatch once more over it.
    dxf.hatch("用地", {{200, 100}, {300, 100}, {300, 160}, {200, 160}});
    dxf.hatch("用地", {{200, 100}, {300, 100}, {300, 160}, {200, 160}});
    dxf.mtext("控规标注", 250, 130, "02-03\\PU11/1.5/35%/15%");
    // Outside every plot.
    dxf.text("控规标注", 1000, 1000, "孤立文字");
    // A road with its name; a layer no one maps.
    dxf.line("道路中心线", 0, -20, 600, -20);
    dxf.text("道路中心线", 300, -18, "临港大道");
    dxf.line("杂项", 0, 500, 10, 500);
    return dxf;
}

struct Feature {
    std::map<std::string, std::string> fields;
    double areaM2 = 0;
};

std::vector<Feature> readLayer(const fs::path& gpkg, const std::string& layerName)
{
    GDALDatasetUniquePtr dataset(GDALDataset::Open(gpkg.string().c_str(), GDAL_OF_VECTOR));
    std::vector<Feature> out;
    if (!dataset)
        return out;
    OGRLayer* layer = dataset->GetLayerByName(layerName.c_str());
    if (!layer)
        return out;
    for (auto& feature : *layer) {
        Feature f;
        for (int i = 0; i < feature->GetFieldCount(); ++i)
            if (feature->IsFieldSetAndNotNull(i))
                f.fields[feature->GetFieldDefnRef(i)->GetNameRef()] = feature->GetFieldAsString(i);
        if (const OGRGeometry* g = feature->GetGeometryRef();
            g && wkbFlatten(g->getGeometryType()) == wkbMultiPolygon)
            f.areaM2 = g->toMultiPolygon()->get_Area();
        out.push_back(std::move(f));
    }
    return out;
}

const Feature* findBy(const std::vector<Feature>& features, const std::string& field,
                      const std::string& value)
{
    for (const Feature& f : features) {
        auto it = f.fields.find(field);
        if (it != f.fields.end() && it->second == value)
            return &f;
    }
    return nullptr;
}

ImportReport runImport(const std::vector<std::string>& sources, const fs::path& out,
                       IssueSink& issues, const std::string& srs = "EPSG:4547",
                       const std::string& encoding = {})
{
    ImportOptions options;
    options.sources = sources;
    options.output = out.string();
    options.sourceSrs = srs;
    options.encoding = encoding;
    return importPark(options, issues);
}

} // namespace

TEST(ParkImportTest, GbkDrawingBecomesPlanZonesWithTheirLabels)
{
    const fs::path dir = scratch("import-gbk");
    const fs::path dxf = dir / "控规.dxf";
    planDrawing().save(dxf.string(), "CP936");
    const std::string before = fileBytes(dxf);
    IssueList issues;
    const ImportReport report = runImport({dxf.string()}, dir / "park.gpkg", issues);
    EXPECT_EQ(fileBytes(dxf), before) << "the input was written";
    ASSERT_EQ(report.sources.size(), 1u);
    EXPECT_EQ(report.sources[0].encoding.name, "CP936");
    EXPECT_EQ(report.crs, "EPSG:4547");

    const std::vector<Feature> zones = readLayer(dir / "park.gpkg", "plan_zones");
    ASSERT_EQ(zones.size(), 4u); // P1, P2, P4, the hatch (once)
    // P1: everything from a text, an MTEXT with a MIF escape, and nested block attributes.
    const Feature* p1 = findBy(zones, "zone_id", "A-01");
    ASSERT_NE(p1, nullptr);
    EXPECT_EQ(p1->fields.at("land_use"), "M1");
    EXPECT_EQ(std::stod(p1->fields.at("far_max")), 2.0);
    EXPECT_DOUBLE_EQ(std::stod(p1->fields.at("cover_min")), 0.4);
    EXPECT_DOUBLE_EQ(std::stod(p1->fields.at("green_max")), 0.2);
    EXPECT_EQ(p1->fields.at("cad_layer"), "控规地块");
    // The bulge: the plot's area is that of the exact arc to well within 0.1 m².
    const double exact = 100.0 * 60.0 + kPi * 30.0 * 30.0 / 2.0;
    EXPECT_NEAR(p1->areaM2, exact, 0.05);
    // P2: closed across its 2 cm gap; two codes: land_use left empty, and said.
    const Feature* p2 = findBy(zones, "zone_id", "B0702-1");
    ASSERT_NE(p2, nullptr);
    EXPECT_EQ(p2->fields.count("land_use"), 0u);
    EXPECT_NEAR(p2->areaM2, 100.0 * 60.0 / 2.0, 1.0);
    // The hatch with the stacked label.
    const Feature* hatch = findBy(zones, "zone_id", "02-03");
    ASSERT_NE(hatch, nullptr);
    EXPECT_EQ(hatch->fields.at("land_use"), "U11");
    EXPECT_EQ(std::stod(hatch->fields.at("far_max")), 1.5);
    EXPECT_DOUBLE_EQ(std::stod(hatch->fields.at("cover_min")), 0.35);
    EXPECT_DOUBLE_EQ(std::stod(hatch->fields.at("green_max")), 0.15);
    EXPECT_NEAR(hatch->areaM2, 6000.0, 1e-6);

    // The problems, each named.
    bool conflict = false, noCode = false;
    for (const PlotProblem& problem : report.plotProblems) {
        if (problem.plotId == "B0702-1" && problem.problem.find("conflicting land-use codes (M1, R2)") != std::string::npos)
            conflict = true;
        if (problem.plotId.empty() && problem.problem.find("no land-use code") != std::string::npos)
            noCode = true;
    }
    EXPECT_TRUE(conflict);
    EXPECT_TRUE(noCode);
    // The text on P4's edge and the one outside every plot.
    ASSERT_EQ(report.unassignedTexts.size(), 2u);
    std::map<std::string, std::string> why;
    for (const UnassignedText& text : report.unassignedTexts)
        why[text.text] = text.reason;
    EXPECT_NE(why["C-09"].find("on the edge of"), std::string::npos) << why["C-09"];
    EXPECT_NE(why["孤立文字"].find("outside every plot"), std::string::npos);
    EXPECT_EQ(report.textsNotLabels, 1); // the road's name
    // The open polyline, the hatch drawn twice, the unmapped layer.
    std::map<std::string, const ImportedLayer*> layers;
    for (const ImportedLayer& layer : report.layers)
        layers[layer.layer] = &layer;
    ASSERT_TRUE(layers.count("控规地块"));
    EXPECT_EQ(layers["控规地块"]->featuresIn, 4);
    EXPECT_EQ(layers["控规地块"]->featuresOut, 3);
    ASSERT_EQ(layers["控规地块"]->dropped.size(), 1u);
    EXPECT_NE(layers["控规地块"]->dropped[0].reason.find("open polyline"), std::string::npos);
    ASSERT_TRUE(layers.count("用地"));
    ASSERT_EQ(layers["用地"]->dropped.size(), 1u);
    EXPECT_NE(layers["用地"]->dropped[0].reason.find("the same shape"), std::string::npos);
    ASSERT_TRUE(layers.count("杂项"));
    EXPECT_FALSE(layers["杂项"]->role);
    ASSERT_TRUE(layers.count("道路中心线"));
    EXPECT_EQ(layers["道路中心线"]->featuresOut, 1);
    EXPECT_EQ(report.written.at("roads"), 1);
}

TEST(ParkImportTest, Utf8DrawingFromR2007IsNotDecodedTwice)
{
    const fs::path dir = scratch("import-utf8");
    DxfBuilder dxf = planDrawing();
    dxf.acadVersion = "AC1021";
    dxf.codePage = "ANSI_936"; // says GBK; R2007+ DXF is UTF-8 all the same
    dxf.save((dir / "plan.dxf").string(), "UTF-8");
    IssueList issues;
    const ImportReport report = runImport({(dir / "plan.dxf").string()}, dir / "park.gpkg", issues);
    EXPECT_EQ(report.sources[0].encoding.name, "UTF-8");
    const std::vector<Feature> zones = readLayer(dir / "park.gpkg", "plan_zones");
    ASSERT_EQ(zones.size(), 4u);
    const Feature* p1 = findBy(zones, "zone_id", "A-01");
    ASSERT_NE(p1, nullptr);
    EXPECT_EQ(p1->fields.at("cad_layer"), "控规地块");
    EXPECT_DOUBLE_EQ(std::stod(p1->fields.at("green_max")), 0.2);
}

TEST(ParkImportTest, ADrawingWithoutHeaderIsDecodedFromItsBytes)
{
    const fs::path dir = scratch("import-noheader");
    for (const char* encoding : {"UTF-8", "CP936"}) {
        // No HEADER (tables and blocks first), and nothing but ENTITIES, which GDAL 3.6
        // decodes as ISO-8859-1 whatever it is told.
        DxfBuilder withBlocks = planDrawing();
        withBlocks.withHeader = false;
        withBlocks.save((dir / "blocks.dxf").string(), encoding);
        DxfBuilder plain;
        plain.polyline("控规地块", {{0, 0}, {100, 0}, {100, 60}, {0, 60}}, true);
        plain.text("控规标注", 50, 30, "容积率≤2.5");
        plain.text("控规标注", 50, 20, "地块编号：甲-1");
        plain.text("控规标注", 50, 10, "M1");
        const std::string entities = plain.utf8();
        const std::string body = entities.substr(entities.find("0\nSECTION\n2\nENTITIES"));
        std::string bytes = body;
        if (std::string(encoding) != "UTF-8") {
            char* recoded = CPLRecode(body.c_str(), CPL_ENC_UTF8, encoding);
            bytes = recoded;
            CPLFree(recoded);
        }
        std::ofstream(dir / "entities.dxf", std::ios::binary) << bytes;

        for (const char* name : {"blocks.dxf", "entities.dxf"}) {
            IssueList issues;
            ImportOptions options;
            options.sources = {(dir / name).string()};
            options.output = (dir / "park.gpkg").string();
            options.sourceSrs = "EPSG:4547";
            options.overwrite = true;
            const ImportReport report = importPark(options, issues);
            EXPECT_EQ(report.sources[0].encoding.name, encoding) << name;
            const std::vector<Feature> zones = readLayer(dir / "park.gpkg", "plan_zones");
            ASSERT_FALSE(zones.empty()) << encoding << " " << name;
            EXPECT_EQ(zones[0].fields.at("cad_layer"), "控规地块") << encoding << " " << name;
            EXPECT_EQ(zones[0].fields.count("land_use"), 1u) << encoding << " " << name;
        }
    }
}

TEST(ParkImportTest, ALyingCodePageIsReportedAndTheTextReadRight)
{
    const fs::path dir = scratch("import-lying");
    DxfBuilder dxf = planDrawing();
    dxf.codePage = "ANSI_1252";
    dxf.save((dir / "plan.dxf").string(), "CP936");
    IssueList issues;
    const ImportReport report = runImport({(dir / "plan.dxf").string()}, dir / "park.gpkg", issues);
    EXPECT_EQ(report.sources[0].encoding.name, "CP936");
    ASSERT_FALSE(report.sources[0].warnings.empty());
    EXPECT_NE(report.sources[0].warnings[0].find("ANSI_1252"), std::string::npos);
    EXPECT_EQ(readLayer(dir / "park.gpkg", "plan_zones").size(), 4u);
}

TEST(ParkImportTest, ADrawingWithoutCrsStopsAndProposesTheZone)
{
    const fs::path dir = scratch("import-nocrs");
    DxfBuilder dxf;
    dxf.polyline("地块", {{38500000, 3373000}, {38500100, 3373000}, {38500100, 3373100}}, true);
    dxf.save((dir / "plan.dxf").string(), "CP936");
    IssueList issues;
    try {
        runImport({(dir / "plan.dxf").string()}, dir / "park.gpkg", issues, "");
        FAIL() << "imported a drawing with no CRS";
    } catch (const CrsError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("--s-srs"), std::string::npos) << message;
        EXPECT_NE(message.find("EPSG:4526"), std::string::npos) << message; // zone 38
    }
    EXPECT_FALSE(fs::exists(dir / "park.gpkg"));
    // Eastings with no zone number: the hint says so, and names the range of zones.
    DxfBuilder plain;
    plain.polyline("地块", {{500000, 3373000}, {500100, 3373000}, {500100, 3373100}}, true);
    plain.save((dir / "plain.dxf").string(), "CP936");
    try {
        runImport({(dir / "plain.dxf").string()}, dir / "park.gpkg", issues, "");
        FAIL();
    } catch (const CrsError& error) {
        EXPECT_NE(std::string(error.what()).find("EPSG:4534"), std::string::npos) << error.what();
    }
}

TEST(ParkImportTest, ADrawingWithNoClosedShapesBuildsNothing)
{
    const fs::path dir = scratch("import-open");
    DxfBuilder dxf;
    dxf.polyline("控规地块", {{0, 0}, {100, 0}, {100, 60}}, false);
    dxf.line("控规地块", 0, 0, 50, 50);
    dxf.text("控规地块", 10, 10, "M1");
    dxf.save((dir / "plan.dxf").string(), "CP936");
    IssueList issues;
    try {
        runImport({(dir / "plan.dxf").string()}, dir / "park.gpkg", issues);
        FAIL() << "built a park from open lines";
    } catch (const IoError& error) {
        EXPECT_NE(std::string(error.what()).find("nothing could be imported"), std::string::npos);
    }
    EXPECT_FALSE(fs::exists(dir / "park.gpkg"));
    EXPECT_TRUE(fs::is_empty(dir / ".") || !fs::exists(dir / "park.gpkg"));
}

TEST(ParkImportTest, AnUnmappedLayerIsReportedAndTheMappingPlacesIt)
{
    const fs::path dir = scratch("import-mapping");
    DxfBuilder dxf;
    dxf.polyline("PLOT-X", {{0, 0}, {100, 0}, {100, 60}, {0, 60}}, true);
    dxf.text("TXT", 50, 30, "M2");
    dxf.text("TXT", 50, 20, "X-1");
    dxf.save((dir / "plan.dxf").string(), "CP936");
    IssueList issues;
    EXPECT_THROW(runImport({(dir / "plan.dxf").string()}, dir / "park.gpkg", issues), IoError);
    bool said = false;
    for (const Issue& issue : issues.issues())
        said = said || (issue.layer == "PLOT-X" && issue.message.find("--mapping") != std::string::npos);
    EXPECT_TRUE(said);

    std::ofstream(dir / "map.json") << R"({"layers": {"PLOT-X": "plan_zones"}, "close_tolerance_m": 0.1})";
    ImportOptions options;
    options.sources = {(dir / "plan.dxf").string()};
    options.output = (dir / "park.gpkg").string();
    options.sourceSrs = "EPSG:4547";
    options.mapping = ImportMapping::load((dir / "map.json").string());
    IssueList more;
    const ImportReport report = importPark(options, more);
    const std::vector<Feature> zones = readLayer(dir / "park.gpkg", "plan_zones");
    ASSERT_EQ(zones.size(), 1u);
    EXPECT_EQ(zones[0].fields.at("zone_id"), "X-1");
    EXPECT_EQ(zones[0].fields.at("land_use"), "M2");
    EXPECT_EQ(report.layers[0].roleReason, "--mapping");

    std::ofstream(dir / "bad.json") << R"({"layers": {"PLOT-X": "plots"}})";
    try {
        ImportMapping::load((dir / "bad.json").string());
        FAIL();
    } catch (const IoError& error) {
        EXPECT_NE(std::string(error.what()).find("'plots' is not a role"), std::string::npos);
    }
}

TEST(ParkImportTest, FileGeodatabaseRoundTrip)
{
    ensureGdal();
    const fs::path dir = scratch("import-gdb");
    const fs::path gdb = dir / "cadastre.gdb";
    {
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("OpenFileGDB");
        ASSERT_NE(driver, nullptr);
        GDALDatasetUniquePtr ds(driver->Create(gdb.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        ASSERT_NE(ds, nullptr) << CPLGetLastErrorMsg();
        OGRSpatialReference srs;
        srs.importFromEPSG(4547);
        OGRLayer* layer = ds->CreateLayer("ZD", &srs, wkbPolygon, nullptr);
        ASSERT_NE(layer, nullptr);
        for (const char* name : {"ZDDM", "QLR", "YDDM", "BZ", "FID", "geom"}) {
            OGRFieldDefn field(name, OFTString);
            layer->CreateField(&field);
        }
        for (int i = 0; i < 3; ++i) {
            OGRFeature feature(layer->GetLayerDefn());
            feature.SetField("ZDDM", ("420100-" + std::to_string(i)).c_str());
            feature.SetField("QLR", "青鸾湖科技有限公司");
            feature.SetField("YDDM", "0601");
            feature.SetField("BZ", "备注");
            feature.SetField("FID", "旧编号");
            feature.SetField("geom", "x");
            OGRPolygon polygon;
            OGRLinearRing ring;
            const double x = 500000 + 200.0 * i, y = 3373000;
            ring.addPoint(x, y);
            ring.addPoint(x + 100, y);
            ring.addPoint(x + 100, y + 50);
            ring.addPoint(x, y + 50);
            ring.closeRings();
            polygon.addRing(&ring);
            feature.SetGeometry(&polygon);
            ASSERT_EQ(layer->CreateFeature(&feature), OGRERR_NONE);
        }
    }
    IssueList issues;
    const ImportReport report = runImport({gdb.string()}, dir / "park.gpkg", issues, "");
    EXPECT_EQ(report.crs, "EPSG:4547");
    const std::vector<Feature> parcels = readLayer(dir / "park.gpkg", "parcels");
    ASSERT_EQ(parcels.size(), 3u);
    const Feature* first = findBy(parcels, "parcel_id", "420100-0");
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->fields.at("owner"), "青鸾湖科技有限公司");
    EXPECT_EQ(first->fields.at("land_use"), "0601");
    EXPECT_EQ(first->fields.at("BZ"), "备注"); // unknown fields are kept
    EXPECT_EQ(first->fields.at("source_fid"), "旧编号"); // not the GeoPackage's fid
    EXPECT_EQ(first->fields.at("source_geom"), "x");
    EXPECT_NEAR(first->areaM2, 5000.0, 1e-6);
    ASSERT_EQ(report.layers.size(), 1u);
    EXPECT_EQ(report.layers[0].role, Role::Parcels);
    EXPECT_EQ(report.layers[0].featuresIn, 3);
    EXPECT_EQ(report.layers[0].featuresOut, 3);
}

TEST(ParkImportTest, PersonalGeodatabaseThatCannotBeOpenedSaysWhy)
{
    const fs::path dir = scratch("import-mdb");
    std::ofstream(dir / "survey.mdb", std::ios::binary) << std::string(4096, '\x01');
    IssueList issues;
    try {
        runImport({(dir / "survey.mdb").string()}, dir / "park.gpkg", issues);
        FAIL();
    } catch (const IoError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("survey.mdb"), std::string::npos) << message;
        EXPECT_NE(message.find("Personal Geodatabase"), std::string::npos) << message;
    }
}

TEST(ParkImportTest, DwgNewerThanR2000SaysHowToSaveAsDxf)
{
    const fs::path dir = scratch("import-dwg");
    std::ofstream(dir / "plan.dwg", std::ios::binary) << "AC1027" << std::string(200, '\0');
    IssueList issues;
    try {
        runImport({(dir / "plan.dwg").string()}, dir / "park.gpkg", issues);
        FAIL();
    } catch (const IoError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("R2013"), std::string::npos) << message;
        EXPECT_NE(message.find("R2000"), std::string::npos) << message;
        EXPECT_NE(message.find("DXF"), std::string::npos) << message;
    }
}

TEST(ParkImportTest, AnExistingParkIsReplacedOnlyWhenAsked)
{
    const fs::path dir = scratch("import-overwrite");
    planDrawing().save((dir / "plan.dxf").string(), "CP936");
    std::ofstream(dir / "park.gpkg") << "old";
    IssueList issues;
    EXPECT_THROW(runImport({(dir / "plan.dxf").string()}, dir / "park.gpkg", issues), IoError);
    EXPECT_EQ(fileBytes(dir / "park.gpkg"), "old");
    ImportOptions options;
    options.sources = {(dir / "plan.dxf").string()};
    options.output = (dir / "park.gpkg").string();
    options.sourceSrs = "EPSG:4547";
    options.overwrite = true;
    // A failure in the last step (the join) leaves the old park as it was.
    options.beforeCommit = [](GDALDataset&, IssueSink&) { throw IoError("join failed"); };
    EXPECT_THROW(importPark(options, issues), IoError);
    EXPECT_EQ(fileBytes(dir / "park.gpkg"), "old");
    options.beforeCommit = nullptr;
    importPark(options, issues);
    EXPECT_EQ(readLayer(dir / "park.gpkg", "plan_zones").size(), 4u);
    for (const auto& entry : fs::directory_iterator(dir))
        EXPECT_EQ(entry.path().filename().string().find(".park.gpkg.partial"), std::string::npos);
}
