#include "geo/diff/diff_io.h"
#include "geo/diff/diff_progress.h"
#include "geo/diff/park_diff.h"
#include "geo/diff/work_summary.h"
#include "geo/error.h"
#include "geo/io/json_writer.h"
#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "tests/support/decimal_comma_locale.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/text_workbook.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

using namespace parkatlas::geo;

namespace {

/// One feature of a hand-made layer: WKT in local metres (offset to EPSG:4547 on write) and
/// its fields as text ("" = null).
struct Row {
    std::string wkt;
    std::map<std::string, std::string> fields;
};

struct LayerSpec {
    std::string name;
    OGRwkbGeometryType type;
    std::vector<std::string> fields;
    std::vector<Row> rows;
};

constexpr double kE0 = 500000, kN0 = 3373000;

/// A square of `side` metres at local (x, y).
std::string square(double x, double y, double w, double h)
{
    std::ostringstream out;
    out.precision(12);
    out << "POLYGON((" << x << " " << y << "," << x + w << " " << y << "," << x + w << " "
        << y + h << "," << x << " " << y + h << "," << x << " " << y << "))";
    return out.str();
}

/// Writes a GeoPackage of the layers; `epsg` 4326 writes the same places in lon/lat.
std::string writePark(const std::string& path, const std::vector<LayerSpec>& layers,
                      int epsg = 4547)
{
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr dataset(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRSpatialReference local, target;
    local.importFromEPSG(4547);
    local.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    target.importFromEPSG(epsg);
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> transform(
        OGRCreateCoordinateTransformation(&local, &target));
    for (const LayerSpec& spec : layers) {
        OGRLayer* layer = dataset->CreateLayer(spec.name.c_str(), &target, spec.type, nullptr);
        for (const std::string& field : spec.fields) {
            OGRFieldDefn defn(field.c_str(),
                              field == "households" || field == "persons" || field == "progress" ||
                                      field == "contract"
                                  ? OFTReal
                                  : OFTString);
            layer->CreateField(&defn);
        }
        for (const Row& row : spec.rows) {
            OGRFeatureUniquePtr feature(OGRFeature::CreateFeature(layer->GetLayerDefn()));
            for (const auto& [name, value] : row.fields)
                if (!value.empty())
                    feature->SetField(name.c_str(), value.c_str());
            OGRGeometry* geometry = nullptr;
            OGRGeometryFactory::createFromWkt(row.wkt.c_str(), nullptr, &geometry);
            struct Shift : OGRDefaultGeometryVisitor {
                using OGRDefaultGeometryVisitor::visit;
                void visit(OGRPoint* p) override
                {
                    p->setX(p->getX() + kE0);
                    p->setY(p->getY() + kN0);
                }
            } shift;
            geometry->accept(&shift);
            if (epsg != 4547)
                geometry->transform(transform.get());
            feature->SetGeometryDirectly(geometry);
            EXPECT_EQ(layer->CreateFeature(feature.get()), OGRERR_NONE);
        }
    }
    return path;
}

Park readPark(const std::string& path)
{
    IssueList issues;
    return loadPark(discoverPark(path), {}, issues);
}

const std::vector<std::string> kParcelFields = {"parcel_id", "land_use", "supply_dt",
                                                "act_start", "stopped",  "status"};

Row parcel(std::string wkt, std::string id, std::string supply, std::string start = "",
           std::string stopped = "", std::string status = "在建")
{
    return {std::move(wkt),
            {{"parcel_id", id},
             {"land_use", "0601"},
             {"supply_dt", supply},
             {"act_start", start},
             {"stopped", stopped},
             {"status", status}}};
}

/// The old and new park of the tests: every change kind, with the work of a half-year.
struct ParkPair {
    std::string oldPath, newPath;
};

ParkPair makePair(const std::string& name, int newEpsg = 4547)
{
    const auto dir = parkatlas::test::scratch(name);
    const std::vector<std::string> acquisitionFields = {"batch_id", "stage", "households",
                                                        "persons"};
    const std::vector<std::string> idleFields = {"case_id", "stage"};
    const std::vector<std::string> roadFields = {"name", "lot", "road_class", "contract", "stage",
                                                 "progress"};
    LayerSpec oldParcels{"parcels", wkbPolygon, kParcelFields, {}};
    oldParcels.rows = {
        parcel(square(0, 0, 100, 100), "P1", "2025-01-01", "", "", "未动工"),
        parcel(square(200, 0, 100, 100), "P2", "2024-01-01", "2024-06-01"),
        parcel(square(400, 0, 200, 100), "P3", "2024-01-01", "2024-06-01"),
        parcel(square(0, 200, 100, 100), "P4", "2023-01-01", "2023-06-01"),
        parcel(square(100, 200, 100, 100), "P5", "2023-01-01", "2023-06-01"),
        parcel(square(300, 200, 100, 100), "P6", "2022-01-01", "2022-06-01"),
        parcel(square(0, 400, 100, 100), "P8", "2022-01-01", "2022-06-01"),
        parcel(square(200, 400, 100, 100), "P9", "2022-01-01", "2022-06-01"),
        parcel(square(400, 400, 100, 100), "P10", "2022-01-01", "2022-06-01"),
    };
    LayerSpec newParcels{"parcels", wkbPolygon, kParcelFields, {}};
    newParcels.rows = {
        parcel(square(0, 0, 100, 100), "P1", "2025-01-01", "2026-08-01", "", "在建"), // started
        parcel(square(200, 0, 100, 100), "P2", "2024-01-01", "2024-06-01"),          // same
        parcel(square(400, 0, 100, 100), "P3-1", "2024-01-01", "2024-06-01"),         // split
        parcel(square(500, 0, 100, 100), "P3-2", "2024-01-01", "2024-06-01"),
        parcel(square(0, 200, 200, 100), "P45", "2023-01-01", "2023-06-01"), // merge
        parcel(square(500, 200, 100, 100), "P7", "2026-09-01"),             // new supply
        parcel(square(0, 400, 110, 100), "P8", "2022-01-01", "2022-06-01"), // reshaped
        parcel(square(200, 400, 100, 100), "P9", "2022-01-01", "2022-06-01", "", "已投产"),
        parcel(square(400, 400, 100, 100), "P10", "2022-01-01", "2022-06-01", "2026-10-15",
               "停工"),
    }; // P6 is gone
    auto batch = [](double x, std::string id, std::string stage, std::string households,
                    std::string persons) {
        return Row{square(x, 1000, 100, 100),
                   {{"batch_id", id}, {"stage", stage}, {"households", households},
                    {"persons", persons}}};
    };
    LayerSpec oldAcquisition{"acquisition", wkbPolygon, acquisitionFields,
                             {batch(0, "B1", "签约", "10", "35"), batch(200, "B2", "报征", "4", "9")}};
    LayerSpec newAcquisition{"acquisition",
                             wkbPolygon,
                             acquisitionFields,
                             {batch(0, "B1", "补偿", "10", "35"), batch(200, "B2", "已批", "4", "9"),
                              batch(400, "B3", "补偿", "5", "20")}};
    auto idleCase = [](double x, std::string id, std::string stage) {
        return Row{square(x, 1200, 100, 100), {{"case_id", id}, {"stage", stage}}};
    };
    LayerSpec oldIdle{"idle_land", wkbPolygon, idleFields,
                      {idleCase(0, "C1", "调查"), idleCase(200, "C2", "认定")}};
    LayerSpec newIdle{"idle_land", wkbPolygon, idleFields,
                      {idleCase(0, "C1", "认定"), idleCase(200, "C2", "依法收回")}};
    auto road = [](double y, std::string name, std::string lot, std::string stage,
                   std::string progress) {
        std::ostringstream wkt;
        wkt << "LINESTRING(0 " << y << ",1000 " << y << ")";
        return Row{wkt.str(),
                   {{"name", name}, {"lot", lot}, {"road_class", "主干道"}, {"contract", "1000"},
                    {"stage", stage}, {"progress", progress}}};
    };
    LayerSpec oldRoads{"roads", wkbLineString, roadFields,
                       {road(1500, "一路", "L1", "在建", "40"), road(1600, "二路", "L2", "规划", "0")}};
    LayerSpec newRoads{"roads", wkbLineString, roadFields,
                       {road(1500, "一路", "L1", "竣工", "100"), road(1600, "二路", "L2", "规划", "0")}};
    ParkPair pair;
    pair.oldPath = writePark((dir / "old.gpkg").string(),
                             {oldParcels, oldAcquisition, oldIdle, oldRoads});
    pair.newPath = writePark((dir / "new.gpkg").string(),
                             {newParcels, newAcquisition, newIdle, newRoads}, newEpsg);
    return pair;
}

const DiffItem* itemOf(const LayerDiff& layer, const std::string& id)
{
    for (const DiffItem& item : layer.items) {
        for (const auto* ids : {&item.oldIds, &item.newIds})
            for (const std::string& i : *ids)
                if (i == id)
                    return &item;
    }
    return nullptr;
}

DiffOptions planar()
{
    DiffOptions options;
    options.areaMethod = AreaMethod::Planar;
    return options;
}

const LedgerTable& tableOf(const Ledger& ledger, const std::string& id)
{
    for (const LedgerTable& table : ledger.tables)
        if (table.id == id)
            return table;
    throw std::runtime_error("no table " + id);
}

const std::vector<LedgerCell>& rowOf(const LedgerTable& table, const std::string& key)
{
    for (const auto& row : table.rows)
        if (std::get<std::string>(row[0]) == key)
            return row;
    if (!table.total.empty() && key == "合计 total")
        return table.total;
    throw std::runtime_error("no row " + key + " in " + table.id);
}

std::size_t columnOf(const LedgerTable& table, const std::string& key)
{
    for (std::size_t c = 0; c < table.columns.size(); ++c)
        if (table.columns[c].key == key)
            return c;
    throw std::runtime_error("no column " + key);
}

double number(const LedgerTable& table, const std::string& row, const std::string& column)
{
    const LedgerCell& cell = rowOf(table, row)[columnOf(table, column)];
    if (const double* d = std::get_if<double>(&cell))
        return *d;
    if (const std::int64_t* i = std::get_if<std::int64_t>(&cell))
        return static_cast<double>(*i);
    return std::nan("");
}

std::string text(const LedgerTable& table, const std::string& row, const std::string& column)
{
    return std::get<std::string>(rowOf(table, row)[columnOf(table, column)]);
}

} // namespace

TEST(ParkDiffTest, EveryChangeKindOfParcelsIsFoundByKey)
{
    const ParkPair pair = makePair("diff_kinds");
    const Park before = readPark(pair.oldPath);
    Park after = readPark(pair.newPath);
    NullIssueSink issues;
    const ParkDiff diff = diffParks(before, after, planar(), issues);
    EXPECT_TRUE(diff.notes.empty());
    const LayerDiff* parcels = diff.layer(Role::Parcels);
    ASSERT_NE(parcels, nullptr);
    EXPECT_EQ(parcels->matchedBy, "parcel_id");
    EXPECT_TRUE(parcels->notes.empty());
    EXPECT_EQ(parcels->unchangedCount, 1u); // P2
    // P1: fields only.
    const DiffItem* p1 = itemOf(*parcels, "P1");
    ASSERT_NE(p1, nullptr);
    EXPECT_EQ(p1->kind, ChangeKind::Changed);
    EXPECT_FALSE(p1->geometryChanged);
    ASSERT_EQ(p1->fields.size(), 2u);
    EXPECT_EQ(p1->fields[0].name, "act_start");
    EXPECT_TRUE(std::holds_alternative<std::monostate>(p1->fields[0].oldValue));
    EXPECT_EQ(std::get<std::string>(p1->fields[0].newValue), "2026-08-01");
    EXPECT_EQ(p1->fields[1].name, "status");
    // P3 split into P3-1 and P3-2: one item.
    const DiffItem* split = itemOf(*parcels, "P3");
    ASSERT_NE(split, nullptr);
    EXPECT_EQ(split->relation, "split");
    EXPECT_EQ(split->oldIds, std::vector<std::string>({"P3"}));
    EXPECT_EQ(split->newIds, std::vector<std::string>({"P3-1", "P3-2"}));
    EXPECT_NEAR(split->oldAreaMu, 30.0, 1e-9);
    EXPECT_NEAR(split->newAreaMu, 30.0, 1e-9);
    EXPECT_EQ(itemOf(*parcels, "P3-1"), split);
    // P4 + P5 merged into P45.
    const DiffItem* merge = itemOf(*parcels, "P45");
    ASSERT_NE(merge, nullptr);
    EXPECT_EQ(merge->relation, "merge");
    EXPECT_EQ(merge->oldIds, std::vector<std::string>({"P4", "P5"}));
    EXPECT_EQ(merge->newIds, std::vector<std::string>({"P45"}));
    // P6 removed, P7 added, with their areas.
    const DiffItem* removed = itemOf(*parcels, "P6");
    ASSERT_NE(removed, nullptr);
    EXPECT_EQ(removed->kind, ChangeKind::Removed);
    EXPECT_NEAR(removed->oldAreaMu, 15.0, 1e-9);
    const DiffItem* added = itemOf(*parcels, "P7");
    ASSERT_NE(added, nullptr);
    EXPECT_EQ(added->kind, ChangeKind::Added);
    EXPECT_NEAR(added->newAreaMu, 15.0, 1e-9);
    // P8 reshaped: geometry only, 15 → 16.5 mu.
    const DiffItem* reshaped = itemOf(*parcels, "P8");
    ASSERT_NE(reshaped, nullptr);
    EXPECT_EQ(reshaped->kind, ChangeKind::Changed);
    EXPECT_TRUE(reshaped->geometryChanged);
    EXPECT_TRUE(reshaped->fields.empty());
    EXPECT_NEAR(reshaped->newAreaMu, 16.5, 1e-9);
    EXPECT_NEAR(reshaped->oldAreaMu, 15.0, 1e-9);
    // Every item is one of these: P1, split, merge, P6, P7, P8, P9, P10.
    EXPECT_EQ(parcels->items.size(), 8u);
    // Roads by lot + name: L1 changed, L2 the same.
    const LayerDiff* roads = diff.layer(Role::Roads);
    ASSERT_NE(roads, nullptr);
    EXPECT_EQ(roads->matchedBy, "lot+name");
    ASSERT_EQ(roads->items.size(), 1u);
    EXPECT_EQ(roads->items[0].label(), "L1 · 一路");
    EXPECT_NEAR(roads->items[0].newLengthKm, 1.0, 1e-12);
}

TEST(ParkDiffTest, ProgressFiguresAreTheHandComputedSums)
{
    const ParkPair pair = makePair("diff_progress");
    const Park before = readPark(pair.oldPath);
    Park after = readPark(pair.newPath);
    NullIssueSink issues;
    const ParkDiff diff = diffParks(before, after, planar(), issues);
    ProgressOptions options;
    options.areaMethod = AreaMethod::Planar;
    options.auditAsOf = Date::fromYmd(2026, 12, 31);
    const Ledger progress = diffProgress(before, after, diff, options, issues);

    const LedgerTable& stages = tableOf(progress, "acquisition_by_stage");
    EXPECT_NEAR(number(stages, "签约", "mu_then"), 15.0, 1e-9);
    EXPECT_NEAR(number(stages, "签约", "mu_now"), 0.0, 1e-9);
    EXPECT_NEAR(number(stages, "补偿", "mu_now"), 30.0, 1e-9);
    EXPECT_NEAR(number(stages, "补偿", "mu_change"), 30.0, 1e-9);
    EXPECT_NEAR(number(stages, "合计 total", "mu_change"), 15.0, 1e-9);

    const LedgerTable& moves = tableOf(progress, "acquisition_moves");
    EXPECT_EQ(number(moves, "签约 → 补偿", "households"), 10);
    EXPECT_EQ(text(moves, "（新增） → 补偿", "ids"), "B3");
    EXPECT_EQ(text(moves, "报征 → 已批", "ids"), "B2");
    EXPECT_NEAR(number(moves, "合计 total", "area_mu"), 45.0, 1e-9);

    const LedgerTable& settled = tableOf(progress, "settled");
    EXPECT_EQ(number(settled, "新安置 settled", "households"), 15); // B1 10 + B3 5
    EXPECT_EQ(number(settled, "新安置 settled", "persons"), 55);    // 35 + 20
    EXPECT_EQ(text(settled, "新安置 settled", "ids"), "B1、B3");

    const LedgerTable& supply = tableOf(progress, "supply_by_land_use");
    EXPECT_EQ(number(supply, "0601", "parcels"), 1); // P7 only: the split pieces were supplied
    EXPECT_NEAR(number(supply, "0601", "area_mu"), 15.0, 1e-9);
    EXPECT_EQ(text(supply, "0601", "ids"), "P7");

    const LedgerTable& projects = tableOf(progress, "projects");
    EXPECT_EQ(text(projects, "新开工 started", "ids"), "P1");
    EXPECT_EQ(text(projects, "停工 stopped", "ids"), "P10");
    EXPECT_EQ(text(projects, "竣工投产 completed", "ids"), "P9");
    EXPECT_NEAR(number(projects, "新开工 started", "area_mu"), 15.0, 1e-9);

    const LedgerTable& works = tableOf(progress, "works_by_class");
    EXPECT_NEAR(number(works, "道路·主干道", "km_planned"), 2.0, 1e-9);
    EXPECT_NEAR(number(works, "道路·主干道", "km_built_then"), 0.4, 1e-9);
    EXPECT_NEAR(number(works, "道路·主干道", "km_built_now"), 1.0, 1e-9);
    EXPECT_NEAR(number(works, "道路·主干道", "km_built_period"), 0.6, 1e-9);
    // Contract-weighted: (1000 × 40 % + 1000 × 0 %) / 2000 = 20 %; now 50 %.
    EXPECT_NEAR(number(works, "道路·主干道", "progress_then_pct"), 20.0, 1e-9);
    EXPECT_NEAR(number(works, "道路·主干道", "progress_now_pct"), 50.0, 1e-9);
    EXPECT_EQ(text(works, "道路·主干道", "ids"), "L1 · 一路");

    const LedgerTable& idle = tableOf(progress, "idle");
    EXPECT_EQ(text(idle, "新认定 identified", "ids"), "C1");
    EXPECT_EQ(text(idle, "新处置 disposed", "ids"), "C2");
    EXPECT_NEAR(number(idle, "新处置 disposed", "area_mu"), 15.0, 1e-9);

    // The audit as of 2026-12-31: P1 was not started a full year after agr_start is unknown
    // here (no agr_start), so audit findings are cannot_decide on both sides; the table
    // exists and its total counts what its rows count.
    const LedgerTable& findings = tableOf(progress, "findings");
    double rowsNew = 0;
    for (const auto& row : findings.rows)
        rowsNew += static_cast<double>(std::get<std::int64_t>(row[1]));
    EXPECT_EQ(rowsNew, number(findings, "合计 total", "new"));
}

TEST(ParkDiffTest, DuplicatedKeysFallBackToGeometryAndSaySo)
{
    const auto dir = parkatlas::test::scratch("diff_duplicates");
    LayerSpec oldParcels{"parcels", wkbPolygon, kParcelFields,
                         {parcel(square(0, 0, 100, 100), "D1", "2024-01-01"),
                          parcel(square(200, 0, 100, 100), "D1", "2024-01-01"),
                          parcel(square(400, 0, 100, 100), "", "2024-01-01")}};
    LayerSpec newParcels{"parcels", wkbPolygon, kParcelFields,
                         {parcel(square(200, 0, 100, 100), "D1", "2024-01-01"),
                          parcel(square(0, 0, 100, 100), "D1", "2024-03-01"),
                          parcel(square(400, 0, 100, 100), "", "2024-01-01")}};
    const Park before = readPark(writePark((dir / "old.gpkg").string(), {oldParcels}));
    Park after = readPark(writePark((dir / "new.gpkg").string(), {newParcels}));
    IssueList issues;
    const ParkDiff diff = diffParks(before, after, planar(), issues);
    const LayerDiff& parcels = *diff.layer(Role::Parcels);
    ASSERT_EQ(parcels.notes.size(), 3u);
    EXPECT_NE(parcels.notes[0].find("unknown on old fid 3"), std::string::npos) << parcels.notes[0];
    EXPECT_NE(parcels.notes[2].find("D1 (2 old, 2 new)"), std::string::npos) << parcels.notes[2];
    EXPECT_GE(issues.count(Issue::Severity::Warning), 1u);
    // Matched by geometry: the square at 0,0 changed its supply date, nothing added or removed.
    ASSERT_EQ(parcels.items.size(), 1u);
    EXPECT_EQ(parcels.items[0].kind, ChangeKind::Changed);
    EXPECT_EQ(parcels.items[0].oldFids, std::vector<std::int64_t>({1}));
    EXPECT_EQ(parcels.items[0].newFids, std::vector<std::int64_t>({2}));
    EXPECT_EQ(parcels.unchangedCount, 2u);
}

TEST(ParkDiffTest, AMissingKeyFieldMatchesEveryFeatureByGeometry)
{
    const auto dir = parkatlas::test::scratch("diff_nokey");
    LayerSpec oldParcels{"parcels", wkbPolygon, {"status"},
                         {{square(0, 0, 100, 100), {{"status", "在建"}}},
                          {square(200, 0, 100, 100), {{"status", "在建"}}}}};
    LayerSpec newParcels{"parcels", wkbPolygon, {"status"},
                         {{square(200, 0, 100, 100), {{"status", "在建"}}},
                          {square(0, 0, 100, 101), {{"status", "已投产"}}}}};
    const Park before = readPark(writePark((dir / "old.gpkg").string(), {oldParcels}));
    Park after = readPark(writePark((dir / "new.gpkg").string(), {newParcels}));
    NullIssueSink issues;
    const ParkDiff diff = diffParks(before, after, planar(), issues);
    const LayerDiff& parcels = *diff.layer(Role::Parcels);
    EXPECT_EQ(parcels.matchedBy, "geometry");
    ASSERT_EQ(parcels.notes.size(), 1u);
    EXPECT_NE(parcels.notes[0].find("no parcel_id field"), std::string::npos);
    ASSERT_EQ(parcels.items.size(), 1u); // the square that grew by 1 m: matched by overlap
    EXPECT_EQ(parcels.items[0].kind, ChangeKind::Changed);
    EXPECT_TRUE(parcels.items[0].geometryChanged);
    EXPECT_EQ(parcels.unchangedCount, 1u);
}

TEST(ParkDiffTest, ParksInDifferentCrssAreComparedAfterTransformingTheNewOne)
{
    const ParkPair pair = makePair("diff_crs", 4326);
    const Park before = readPark(pair.oldPath);
    Park after = readPark(pair.newPath);
    NullIssueSink issues;
    const ParkDiff diff = diffParks(before, after, planar(), issues);
    ASSERT_EQ(diff.notes.size(), 1u);
    EXPECT_NE(diff.notes[0].find("transformed from EPSG:4326 to EPSG:4547"), std::string::npos)
        << diff.notes[0];
    // The same changes as in one CRS: round trips through lon/lat stay within the tolerance.
    const LayerDiff* parcels = diff.layer(Role::Parcels);
    EXPECT_EQ(parcels->unchangedCount, 1u);
    EXPECT_EQ(parcels->items.size(), 8u);
    EXPECT_FALSE(itemOf(*parcels, "P1")->geometryChanged);
}

TEST(ParkDiffTest, JsonHasTheItemsOfTheContract)
{
    const ParkPair pair = makePair("diff_json");
    const Park before = readPark(pair.oldPath);
    Park after = readPark(pair.newPath);
    NullIssueSink issues;
    const ParkDiff diff = diffParks(before, after, planar(), issues);
    std::ostringstream out;
    {
        JsonWriter json(out, false);
        writeDiffJson(json, diff, nullptr);
    }
    const std::string text = out.str();
    EXPECT_NE(text.find("\"act_start\":[null,\"2026-08-01\"]"), std::string::npos) << text;
    EXPECT_NE(text.find("\"relation\":\"split\",\"from\":[\"P3\"],\"to\":[\"P3-1\",\"P3-2\"]"),
              std::string::npos);
    EXPECT_NE(text.find("\"id\":\"P6\",\"fid\":6,\"area_mu\":15"), std::string::npos);
}

TEST(ParkDiffTest, ChangesGeoPackageHoldsEachChangeWithItsKind)
{
    const ParkPair pair = makePair("diff_gpkg");
    const Park before = readPark(pair.oldPath);
    Park after = readPark(pair.newPath);
    NullIssueSink issues;
    const ParkDiff diff = diffParks(before, after, planar(), issues);
    const std::string path =
        (parkatlas::test::scratch("diff_gpkg_out") / "changes.gpkg").string();
    writeChangesGeoPackage(path, before, after, diff, false);
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(dataset);
    OGRLayer* layer = dataset->GetLayerByName("parcels");
    ASSERT_NE(layer, nullptr);
    std::map<std::string, int> kinds;
    double removedArea = 0;
    for (auto& feature : *layer) {
        ++kinds[feature->GetFieldAsString("kind")];
        if (std::string(feature->GetFieldAsString("kind")) == "灭失")
            removedArea = feature->GetGeometryRef()->toMultiPolygon()->get_Area();
    }
    EXPECT_EQ(kinds["新增"], 1);
    EXPECT_EQ(kinds["灭失"], 1);
    EXPECT_EQ(kinds["变更"], 6);
    EXPECT_NEAR(removedArea, 10000.0, 1e-6); // P6's old square
    EXPECT_THROW(writeChangesGeoPackage(path, before, after, diff, false), IoError);
}

TEST(WorkSummaryTest, PeriodsParseAsHalfYearsQuartersAndMonths)
{
    const auto h2 = Period::parse("2026H2");
    ASSERT_TRUE(h2);
    EXPECT_EQ(h2->from.toIso(), "2026-07-01");
    EXPECT_EQ(h2->to.toIso(), "2026-12-31");
    EXPECT_EQ(h2->yearToDate().from.toIso(), "2026-01-01");
    EXPECT_EQ(h2->yearBefore().from.toIso(), "2025-07-01");
    const auto q1 = Period::parse("2024q1");
    ASSERT_TRUE(q1);
    EXPECT_EQ(q1->label, "2024Q1");
    EXPECT_EQ(q1->to.toIso(), "2024-03-31");
    EXPECT_EQ(q1->yearBefore().to.toIso(), "2023-03-31");
    const auto february = Period::parse("2024-02");
    ASSERT_TRUE(february);
    EXPECT_EQ(february->to.toIso(), "2024-02-29");
    EXPECT_EQ(february->yearBefore().to.toIso(), "2023-02-28");
    for (const char* bad : {"2026H3", "2026Q5", "2026-13", "2026-00", "H2", "2026", "26H2",
                            "2026-1", "2026 H2", ""})
        EXPECT_FALSE(Period::parse(bad)) << bad;
}

TEST(WorkSummaryTest, FiguresAreTheHandComputedSumsOfTheirFeatures)
{
    const ParkPair pair = makePair("summary_sums");
    const Park before = readPark(pair.oldPath);
    Park after = readPark(pair.newPath);
    NullIssueSink issues;
    const ParkDiff diff = diffParks(before, after, planar(), issues);
    SummaryOptions options;
    options.areaMethod = AreaMethod::Planar;
    Targets targets;
    targets.year = 2026;
    targets.values = {{"supplied_mu", 60.0}, {"settled_households", 30.0}};
    const Ledger summary = buildWorkSummary(after, *Period::parse("2026H2"), &before, &diff,
                                            &targets, options, issues);
    const LedgerTable& table = tableOf(summary, "summary");
    // Supplied in 2026H2: P7 (2026-09-01), 15 mu; the year to date the same; 完成率 25 %.
    EXPECT_NEAR(number(table, "supplied_mu", "period"), 15.0, 1e-9);
    EXPECT_NEAR(number(table, "supplied_mu", "completion_pct"), 25.0, 1e-9);
    EXPECT_EQ(text(table, "supplied_mu", "ids"), "P7");
    // 2025H2 supplied nothing, so no 同比 (a change on zero is no percentage).
    EXPECT_NEAR(number(table, "supplied_mu", "same_period_last_year"), 0.0, 1e-12);
    EXPECT_TRUE(std::isnan(number(table, "supplied_mu", "yoy_pct")));
    EXPECT_EQ(number(table, "started_projects", "period"), 1); // P1, 2026-08-01
    EXPECT_EQ(number(table, "stopped_projects", "period"), 1); // P10, 2026-10-15
    EXPECT_EQ(number(table, "settled_households", "period"), 15); // B1 10 + B3 5
    EXPECT_TRUE(std::isnan(number(table, "settled_households", "year_to_date")));
    EXPECT_NEAR(number(table, "road_km_built", "period"), 0.6, 1e-9);
    EXPECT_NEAR(number(table, "idle_disposed_mu", "period"), 15.0, 1e-9);
    EXPECT_EQ(text(table, "idle_disposed_mu", "ids"), "C2");

    Targets wrongYear = targets;
    wrongYear.year = 2025;
    EXPECT_THROW(buildWorkSummary(after, *Period::parse("2026H2"), &before, &diff, &wrongYear,
                                  options, issues),
                 IoError);
}

TEST(WorkSummaryTest, ATargetsFileWithAnUnknownIndicatorNamesIt)
{
    const auto dir = parkatlas::test::scratch("summary_targets");
    const std::string path = (dir / "targets.json").string();
    std::ofstream(path) << R"({"year": 2026, "targets": {"supplied_mu": 10, "gdp": 7}})";
    try {
        readTargets(path);
        FAIL() << "no error";
    } catch (const IoError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("\"gdp\""), std::string::npos) << message;
        EXPECT_NE(message.find("targets.json"), std::string::npos) << message;
    }
    std::ofstream(path) << R"({"year": 2026, "targets": {"supplied_mu": 1200.5}})";
    EXPECT_DOUBLE_EQ(readTargets(path).values.at("supplied_mu"), 1200.5);
}

TEST(WorkSummaryTest, AWorkbooksTargetsReadTheSameUnderADecimalCommaLocale)
{
    const auto dir = parkatlas::test::scratch("summary_targets_locale");
    const std::string path = (dir / "targets.xlsx").string();
    ASSERT_NO_FATAL_FAILURE(parkatlas::test::writeTextWorkbook(path, "targets", {"指标", "目标"},
                                                               {{"supplied_mu", "1200.5"}}));
    const parkatlas::test::DecimalCommaLocale locale;
    ASSERT_TRUE(locale.active()) << "no decimal-comma locale: run scripts/setup";
    EXPECT_DOUBLE_EQ(readTargets(path).values.at("supplied_mu"), 1200.5);
}

TEST(ParkDiffTest, ProgressRisesToTheEndAndACancelStopsTheComparison)
{
    const std::string sample = std::string(PARKATLAS_SOURCE_DIR) + "/data/sample/";
    const Park before = readPark(sample + "park.gpkg");
    const Park after = readPark(sample + "park-2026H2.gpkg");
    NullIssueSink issues;
    const ParkDiff plain = diffParks(before, after, DiffOptions{}, issues);

    std::vector<double> shares;
    DiffOptions options;
    options.progress = [&shares](double done) {
        shares.push_back(done);
        return true;
    };
    const ParkDiff reported = diffParks(before, after, options, issues);
    ASSERT_GE(shares.size(), 2 * reported.layers.size()); // at least each layer's start and end
    EXPECT_TRUE(std::is_sorted(shares.begin(), shares.end()));
    EXPECT_GE(shares.front(), 0.0);
    EXPECT_NEAR(shares.back(), 1.0, 1e-9);
    // Watching changes nothing.
    ASSERT_EQ(reported.layers.size(), plain.layers.size());
    for (std::size_t i = 0; i < plain.layers.size(); ++i)
        EXPECT_EQ(reported.layers[i].items.size(), plain.layers[i].items.size());

    // Cancelled part way (after the first layers): Cancelled, nothing returned.
    std::size_t calls = 0;
    options.progress = [&calls](double) { return ++calls < 3; };
    EXPECT_THROW(diffParks(before, after, options, issues), Cancelled);
    EXPECT_EQ(calls, 3u);
}

TEST(ParkDiffTest, ParksInOneCrsAreComparedAsTheyAreAndTwoCrssAreRefusedUntilTransformed)
{
    const ParkPair pair = makePair("diff_const_crs", 4326);
    const Park before = readPark(pair.oldPath);
    Park after = readPark(pair.newPath);
    NullIssueSink issues;
    EXPECT_THROW(diffParks(before, std::as_const(after), DiffOptions{}, issues), CrsError);
    // The other way round: the old park into the new one's CRS, the new one untouched.
    Park beforeMoved = before;
    const std::string done = transformPark(beforeMoved, after.crs, issues);
    EXPECT_NE(done.find("EPSG:4547 to EPSG:4326"), std::string::npos) << done;
    EXPECT_EQ(transformPark(beforeMoved, after.crs, issues), ""); // already there
    const ParkDiff diff = diffParks(beforeMoved, std::as_const(after), DiffOptions{}, issues);
    EXPECT_EQ(diff.crs, after.crs.label());
    const LayerDiff* parcels = diff.layer(Role::Parcels);
    EXPECT_EQ(parcels->items.size(), 8u);
    EXPECT_FALSE(itemOf(*parcels, "P1")->geometryChanged);
}
