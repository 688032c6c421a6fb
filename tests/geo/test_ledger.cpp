#include "geo/io/json_writer.h"
#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/ledger/ledgers.h"
#include "geo/measure/area.h"
#include "geo/measure/ellipsoid.h"
#include "geo/units.h"
#include "tests/support/scratch_dir.h"

#include <cpl_json.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <sstream>

using namespace parkatlas::geo;

namespace {

Park samplePark(std::vector<Role> roles)
{
    IssueList issues;
    return loadPark(discoverPark(std::string(PARKATLAS_SAMPLE_DIR) + "/park.gpkg"),
                    {std::move(roles), {}}, issues);
}

Ledger sampleLedger(LedgerKind kind)
{
    NullIssueSink issues;
    return buildLedger(samplePark(rolesFor(kind)), kind, {}, issues);
}

std::int64_t hundredths(const std::string& shown)
{
    return std::llround(std::stod(shown) * 1000);
}

/// Every summed column: the shown rows add up exactly to the shown total, and the unrounded rows
/// to the unrounded total.
void expectPartsAddUp(const LedgerTable& table)
{
    ASSERT_FALSE(table.total.empty()) << table.id;
    const auto shown = table.shown();
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
        const auto kind = table.columns[c].kind;
        if (kind != LedgerColumn::Kind::Amount && kind != LedgerColumn::Kind::Count)
            continue;
        std::int64_t shownSum = 0;
        double sum = 0;
        for (std::size_t r = 0; r < table.rows.size(); ++r) {
            if (!shown[r][c].empty())
                shownSum += hundredths(shown[r][c]);
            if (const double* d = std::get_if<double>(&table.rows[r][c]))
                sum += *d;
            if (const std::int64_t* i = std::get_if<std::int64_t>(&table.rows[r][c]))
                sum += static_cast<double>(*i);
        }
        if (shown.back()[c].empty())
            continue;
        EXPECT_EQ(shownSum, hundredths(shown.back()[c]))
            << table.id << " column " << table.columns[c].key;
        const LedgerCell& total = table.total[c];
        const double totalValue = std::holds_alternative<double>(total)
                                      ? std::get<double>(total)
                                      : static_cast<double>(std::get<std::int64_t>(total));
        EXPECT_NEAR(sum, totalValue, 1e-9 * std::max(1.0, std::fabs(totalValue)))
            << table.id << " column " << table.columns[c].key;
    }
}

const LedgerTable& tableOf(const Ledger& ledger, const std::string& id)
{
    for (const LedgerTable& table : ledger.tables)
        if (table.id == id)
            return table;
    throw std::runtime_error("no table " + id);
}

std::size_t columnOf(const LedgerTable& table, const std::string& key)
{
    for (std::size_t c = 0; c < table.columns.size(); ++c)
        if (table.columns[c].key == key)
            return c;
    throw std::runtime_error("no column " + key);
}

/// Every column of every table has at least one row with a value: no column of the contract is
/// lost on the way from the sample park to the ledger.
void expectEveryColumnFilled(const Ledger& ledger)
{
    for (const LedgerTable& table : ledger.tables) {
        ASSERT_FALSE(table.rows.empty()) << table.id;
        for (std::size_t c = 0; c < table.columns.size(); ++c) {
            bool filled = false;
            for (const auto& row : table.rows)
                filled |= !std::holds_alternative<std::monostate>(row[c]);
            EXPECT_TRUE(filled) << ledger.kind << " / " << table.id << ": column "
                                << table.columns[c].key << " (" << table.columns[c].header
                                << ") is empty in every row";
        }
    }
}

double numberOf(const LedgerCell& cell)
{
    if (const double* d = std::get_if<double>(&cell))
        return *d;
    if (const std::int64_t* i = std::get_if<std::int64_t>(&cell))
        return static_cast<double>(*i);
    ADD_FAILURE() << "not a number";
    return std::nan("");
}

/// The features of a layer of the sample GeoPackage read straight through OGR (not through the
/// park loader): `visit` sees each feature with its geometry in lon/lat of CGCS2000.
void forEachFeature(const std::string& layerName,
                    const std::function<void(OGRFeature&, OGRGeometry*)>& visit)
{
    GDALAllRegister();
    GDALDatasetUniquePtr dataset(
        GDALDataset::Open((std::string(PARKATLAS_SAMPLE_DIR) + "/park.gpkg").c_str(),
                          GDAL_OF_VECTOR | GDAL_OF_READONLY));
    ASSERT_TRUE(dataset);
    OGRLayer* layer = dataset->GetLayerByName(layerName.c_str());
    ASSERT_NE(layer, nullptr) << layerName;
    OGRSpatialReference geographic;
    geographic.importFromEPSG(4490);
    geographic.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> toDegrees(
        OGRCreateCoordinateTransformation(layer->GetSpatialRef(), &geographic));
    ASSERT_TRUE(toDegrees);
    for (auto& feature : *layer) {
        OGRGeometry* geometry = feature->GetGeometryRef();
        if (geometry) {
            ASSERT_EQ(geometry->transform(toDegrees.get()), OGRERR_NONE);
        }
        visit(*feature, geometry);
    }
}

std::optional<double> fieldNumber(const OGRFeature& feature, const char* name)
{
    const int i = feature.GetFieldIndex(name);
    if (i < 0 || !feature.IsFieldSetAndNotNull(i))
        return std::nullopt;
    const char* text = feature.GetFieldAsString(i);
    if (feature.GetFieldDefnRef(i)->GetType() == OFTString) {
        // Masked text (xx, **) is unknown.
        char* end = nullptr;
        const double value = std::strtod(text, &end);
        if (end == text || *end != '\0')
            return std::nullopt;
        return value;
    }
    return feature.GetFieldAsDouble(i);
}

/// Geodesic area in mu of a polygon given in CGCS2000 degrees (rings summed, holes negative).
double geodesicMu(const OGRGeometry* geometry)
{
    double m2 = 0;
    auto ringArea = [&](const OGRLinearRing* ring) {
        std::vector<double> lonLat;
        for (const OGRPoint& p : *ring) {
            lonLat.push_back(p.getX());
            lonLat.push_back(p.getY());
        }
        return std::fabs(geodesicRingAreaSignedM2(lonLat, Ellipsoid::cgcs2000()));
    };
    auto polygonArea = [&](const OGRPolygon* polygon) {
        double area = ringArea(polygon->getExteriorRing());
        for (int i = 0; i < polygon->getNumInteriorRings(); ++i)
            area -= ringArea(polygon->getInteriorRing(i));
        return area;
    };
    switch (wkbFlatten(geometry->getGeometryType())) {
    case wkbPolygon:
        m2 = polygonArea(geometry->toPolygon());
        break;
    case wkbMultiPolygon:
        for (const OGRPolygon* part : *geometry->toMultiPolygon())
            m2 += polygonArea(part);
        break;
    default:
        ADD_FAILURE() << "not a polygon";
    }
    return muFromM2(m2);
}

/// Geodesic length in km of a line given in CGCS2000 degrees.
double geodesicKm(const OGRGeometry* geometry)
{
    auto pathM = [](const OGRLineString* line) {
        std::vector<double> lonLat;
        for (const OGRPoint& p : *line) {
            lonLat.push_back(p.getX());
            lonLat.push_back(p.getY());
        }
        return geodesicPathLengthM(lonLat, Ellipsoid::cgcs2000());
    };
    double m = 0;
    if (wkbFlatten(geometry->getGeometryType()) == wkbLineString)
        m = pathM(geometry->toLineString());
    else
        for (const OGRLineString* part : *geometry->toMultiLineString())
            m += pathM(part);
    return m / 1000.0;
}

/// A total cell of `table` equals `expected` to 1e-9 relative (areas: 1e-7, the round-off of
/// two ways to measure the same plots).
void expectTotal(const LedgerTable& table, const std::string& key, double expected,
                 double relative = 1e-9)
{
    const double total = numberOf(table.total[columnOf(table, key)]);
    EXPECT_NEAR(total, expected, relative * std::max(1.0, std::fabs(expected)))
        << table.id << " total of " << key;
}

} // namespace

TEST(LedgerTest, LargestRemainderMakesShownPartsAddUp)
{
    LedgerTable table{"t", "t", {{"k", "k"}, {"mu", "mu", LedgerColumn::Kind::Amount, 2}},
                      {},  {},  {}};
    table.rows = {{std::string("a"), 0.005}, {std::string("b"), 0.005}, {std::string("c"), 0.005}};
    table.total = {std::string("total"), 0.015};
    const auto shown = table.shown();
    EXPECT_EQ(shown[3][1], "0.02");
    EXPECT_EQ(hundredths(shown[0][1]) + hundredths(shown[1][1]) + hundredths(shown[2][1]),
              hundredths("0.02"));
}

TEST(LedgerTest, JsonNamesTheKindOfEveryColumn)
{
    // Every kind, the union of overlapping findings' areas (monitor's and the map page's
    // findings tables) too: its name was read past the end of a four-name table.
    using Kind = LedgerColumn::Kind;
    Ledger ledger{"test", "test", "park", {}, {}};
    ledger.tables.push_back({"t",
                             "t",
                             {{"name", "name", Kind::Text},
                              {"plots", "plots", Kind::Count},
                              {"mu", "mu", Kind::Amount, 2},
                              {"share", "share", Kind::Ratio, 1},
                              {"union_mu", "union_mu", Kind::Union, 2}},
                             {},
                             {},
                             {}});
    ledger.tables[0].rows = {{std::string("a"), std::int64_t{1}, 2.0, 0.5, 2.0}};
    std::ostringstream out;
    {
        JsonWriter json(out);
        writeLedgerJson(json, ledger);
    }
    CPLJSONDocument document;
    ASSERT_TRUE(document.LoadMemory(out.str())) << out.str();
    const CPLJSONArray columns = document.GetRoot().GetArray("tables")[0].GetArray("columns");
    std::vector<std::string> kinds;
    for (int i = 0; i < columns.Size(); ++i)
        kinds.push_back(columns[i].GetString("kind"));
    EXPECT_EQ(kinds, (std::vector<std::string>{"text", "count", "amount", "ratio", "union"}));
}

TEST(LedgerTest, UnknownIsShownEmptyNeverZero)
{
    LedgerTable table{"t", "t", {{"k", "k"}, {"fee", "fee", LedgerColumn::Kind::Amount, 2}},
                      {},  {},  {}};
    table.rows = {{std::string("a"), std::monostate{}}, {std::string("b"), 2.0}};
    table.total = {std::string("total"), 2.0};
    const auto shown = table.shown();
    EXPECT_EQ(shown[0][1], "");
    EXPECT_EQ(shown[2][1], "2.00");
}

TEST(LedgerTest, AcquisitionByBatchVillageAndStageAddUp)
{
    const Ledger ledger = sampleLedger(LedgerKind::Acquisition);
    ASSERT_EQ(ledger.tables.size(), 3u);
    for (const LedgerTable& table : ledger.tables)
        expectPartsAddUp(table);
    const LedgerTable& batches = tableOf(ledger, "by_batch");
    EXPECT_EQ(batches.rows.size(), 52u);
    // README: acquisition 36723.78 mu (ellipsoidal).
    EXPECT_EQ(batches.shown().back()[columnOf(batches, "area_mu")], "36723.78");
    // Unknown persons and households are counted in the notes, not summed as 0.
    bool personsNoted = false, villageNoted = false;
    for (const std::string& note : batches.notes) {
        personsNoted |= note.rfind("人 persons", 0) == 0;
        villageNoted |=
            note.rfind("村 village", 0) == 0 && note.find("QLZD2014-01") != std::string::npos;
    }
    EXPECT_TRUE(personsNoted);
    EXPECT_TRUE(villageNoted);
    const LedgerTable& stages = tableOf(ledger, "by_stage");
    EXPECT_EQ(std::get<std::string>(stages.rows.front()[0]), "调查摸底勘丈");
    EXPECT_EQ(std::get<std::string>(stages.rows.back()[0]), "已供地");
    const LedgerTable& villages = tableOf(ledger, "by_village");
    EXPECT_EQ(std::get<std::string>(villages.rows.back()[0]), "（未知）");
}

TEST(LedgerTest, IdleCasesGiveTheDisposalRate)
{
    const Ledger ledger = sampleLedger(LedgerKind::Idle);
    for (const LedgerTable& table : ledger.tables)
        expectPartsAddUp(table);
    const LedgerTable& kinds = tableOf(ledger, "by_kind");
    // 8 cases, 2 disposed (盘活, 依法收回).
    EXPECT_EQ(std::get<std::int64_t>(kinds.total[columnOf(kinds, "cases")]), 8);
    EXPECT_EQ(std::get<std::int64_t>(kinds.total[columnOf(kinds, "disposed")]), 2);
    EXPECT_DOUBLE_EQ(std::get<double>(kinds.total[columnOf(kinds, "disposal_rate_pct")]), 25.0);
    EXPECT_TRUE(isDisposedStage("盘活"));
    EXPECT_TRUE(isDisposedStage("依法收回"));
    EXPECT_FALSE(isDisposedStage("征缴闲置费"));
}

TEST(LedgerTest, WorksKmBuiltAgainstPlannedAndWeightedProgress)
{
    const Ledger ledger = sampleLedger(LedgerKind::Works);
    for (const LedgerTable& table : ledger.tables)
        expectPartsAddUp(table);
    const LedgerTable& lots = tableOf(ledger, "by_lot");
    const LedgerTable& classes = tableOf(ledger, "by_class");
    // README: roads 106.212 km + pipelines 571.460 km.
    const double planned = std::get<double>(lots.total[columnOf(lots, "km_planned")]);
    EXPECT_NEAR(planned, 106.21213 + 571.45998, 1e-3);
    EXPECT_DOUBLE_EQ(planned, std::get<double>(classes.total[columnOf(classes, "km_planned")]));
    const double built = std::get<double>(lots.total[columnOf(lots, "km_built")]);
    EXPECT_LT(built, planned);
    // 金港大道 east extension: its own lot, 35 % done.
    for (const auto& row : lots.rows) {
        if (std::get<std::string>(row[0]) == "2025-DL01标段") {
            EXPECT_DOUBLE_EQ(std::get<double>(row[columnOf(lots, "progress_pct")]), 35.0);
        }
    }
    // A masked lot (xx) is its own row, apart from lots not tendered yet.
    bool masked = false, notTendered = false;
    for (const auto& row : lots.rows) {
        masked |= std::get<std::string>(row[0]) == "（标段未知：xx）";
        notTendered |= std::get<std::string>(row[0]) == "（未分标段）";
    }
    EXPECT_TRUE(masked);
    EXPECT_TRUE(notTendered);
}

TEST(LedgerTest, SupplyPerPlotWithIntensity)
{
    const Ledger ledger = sampleLedger(LedgerKind::Supply);
    for (const LedgerTable& table : ledger.tables)
        expectPartsAddUp(table);
    const LedgerTable& plots = tableOf(ledger, "by_parcel");
    EXPECT_EQ(plots.rows.size(), 498u);
    EXPECT_EQ(plots.shown().back()[columnOf(plots, "area_mu")], "22671.63");
    for (const auto& row : plots.rows) {
        if (std::get<std::string>(row[0]) == "QL2016-053") {
            EXPECT_NEAR(std::get<double>(row[columnOf(plots, "tax_per_mu_wan")]), 4.2, 0.01);
        }
    }
    const LedgerTable& years = tableOf(ledger, "by_year");
    EXPECT_EQ(years.shown().back()[columnOf(years, "area_mu")], "22671.63");
}

TEST(LedgerTest, MissingLayerIsAnError)
{
    NullIssueSink issues;
    EXPECT_THROW(buildLedger(samplePark({Role::Parcels}), LedgerKind::Acquisition, {}, issues),
                 std::exception);
}

TEST(LedgerTest, AcquisitionFillsEveryColumnAndItsTotalsAreTheFeatures)
{
    const Ledger ledger = sampleLedger(LedgerKind::Acquisition);
    expectEveryColumnFilled(ledger);
    std::size_t batches = 0, disputes = 0;
    double mu = 0, households = 0, persons = 0, compensate = 0;
    std::map<std::string, std::size_t> disputesByVillage;
    forEachFeature("acquisition", [&](OGRFeature& feature, OGRGeometry* geometry) {
        ++batches;
        mu += geodesicMu(geometry);
        households += fieldNumber(feature, "households").value_or(0);
        persons += fieldNumber(feature, "persons").value_or(0);
        compensate += fieldNumber(feature, "compensate").value_or(0);
        if (fieldNumber(feature, "dispute").value_or(0) != 0) {
            ++disputes;
            ++disputesByVillage[feature.GetFieldAsString("village")];
        }
    });
    // data/sample: three batches in dispute.
    EXPECT_EQ(disputes, 3u);
    const LedgerTable& byBatch = tableOf(ledger, "by_batch");
    std::size_t shownDisputes = 0;
    const std::size_t dispute = columnOf(byBatch, "dispute");
    for (const auto& row : byBatch.rows)
        if (const auto* text = std::get_if<std::string>(&row[dispute]))
            shownDisputes += *text == "是" ? 1 : 0;
    EXPECT_EQ(shownDisputes, disputes);
    for (const LedgerTable* table :
         {&byBatch, &tableOf(ledger, "by_village"), &tableOf(ledger, "by_stage")}) {
        expectTotal(*table, "area_mu", mu, 1e-7);
        expectTotal(*table, "households", households);
        expectTotal(*table, "persons", persons);
        expectTotal(*table, "compensate_wan", compensate);
        expectTotal(*table, table == &byBatch ? "dispute" : "disputes", double(disputes));
    }
    expectTotal(tableOf(ledger, "by_village"), "batches", double(batches));
    const LedgerTable& villages = tableOf(ledger, "by_village");
    for (const auto& row : villages.rows) {
        const std::string village = std::get<std::string>(row[0]);
        const auto it = disputesByVillage.find(village);
        EXPECT_EQ(numberOf(row[columnOf(villages, "disputes")]),
                  it == disputesByVillage.end() ? 0.0 : double(it->second))
            << village;
    }
}

TEST(LedgerTest, AcquisitionDisputeIsReadUnderItsChineseName)
{
    // shp/acquisition.dbf calls the field 纠纷 (GBK).
    NullIssueSink issues;
    const Park park = loadPark(discoverPark(std::string(PARKATLAS_SAMPLE_DIR) + "/shp"),
                               {{Role::Acquisition}, {}}, issues);
    const Ledger ledger = buildLedger(park, LedgerKind::Acquisition, {}, issues);
    const LedgerTable& byBatch = tableOf(ledger, "by_batch");
    EXPECT_EQ(numberOf(byBatch.total[columnOf(byBatch, "dispute")]), 3.0);
}

TEST(LedgerTest, IdleFillsEveryColumnAndItsTotalsAreTheFeatures)
{
    const Ledger ledger = sampleLedger(LedgerKind::Idle);
    expectEveryColumnFilled(ledger);
    const std::set<std::string> disposedStages = {"依法收回", "无偿收回", "协议收回", "收回",
                                                  "盘活",     "已处置",   "处置完毕", "置换"};
    std::size_t cases = 0, disposed = 0;
    double mu = 0, disposedMu = 0, fee = 0;
    forEachFeature("idle_land", [&](OGRFeature& feature, OGRGeometry* geometry) {
        ++cases;
        const double plotMu = geodesicMu(geometry);
        mu += plotMu;
        fee += fieldNumber(feature, "fee").value_or(0);
        if (disposedStages.count(feature.GetFieldAsString("stage"))) {
            ++disposed;
            disposedMu += plotMu;
        }
    });
    EXPECT_EQ(cases, 8u);
    expectTotal(tableOf(ledger, "cases"), "area_mu", mu, 1e-7);
    expectTotal(tableOf(ledger, "cases"), "fee_wan", fee);
    for (const char* id : {"by_kind", "by_stage"}) {
        const LedgerTable& table = tableOf(ledger, id);
        expectTotal(table, "cases", double(cases));
        expectTotal(table, "area_mu", mu, 1e-7);
        expectTotal(table, "fee_wan", fee);
    }
    const LedgerTable& kinds = tableOf(ledger, "by_kind");
    expectTotal(kinds, "disposed", double(disposed));
    expectTotal(kinds, "disposed_mu", disposedMu, 1e-7);
    expectTotal(kinds, "disposal_rate_pct", 100.0 * double(disposed) / double(cases));
    expectTotal(kinds, "disposal_rate_area_pct", 100.0 * disposedMu / mu, 1e-7);
}

TEST(LedgerTest, WorksFillsEveryColumnAndItsTotalsAreTheFeatures)
{
    const Ledger ledger = sampleLedger(LedgerKind::Works);
    expectEveryColumnFilled(ledger);
    std::size_t features = 0;
    double planned = 0, built = 0, contract = 0, weighted = 0, weight = 0;
    for (const char* layer : {"roads", "pipelines"})
        forEachFeature(layer, [&](OGRFeature& feature, OGRGeometry* geometry) {
            ++features;
            const double km = geodesicKm(geometry);
            planned += km;
            const std::string stage = feature.GetFieldAsString("stage");
            std::optional<double> share;
            if (auto progress = fieldNumber(feature, "progress"))
                share = std::clamp(*progress / 100.0, 0.0, 1.0);
            else if (stage == "竣工")
                share = 1.0;
            else if (stage == "规划" || stage == "设计" || stage == "图审" || stage == "招投标")
                share = 0.0;
            if (share)
                built += km * *share;
            const auto price = fieldNumber(feature, "contract");
            contract += price.value_or(0);
            if (share && price) {
                weighted += *price * *share;
                weight += *price;
            }
        });
    for (const char* id : {"by_lot", "by_class"}) {
        const LedgerTable& table = tableOf(ledger, id);
        expectTotal(table, "features", double(features));
        expectTotal(table, "km_planned", planned, 1e-7);
        expectTotal(table, "km_built", built, 1e-7);
        expectTotal(table, "built_pct", 100.0 * built / planned, 1e-7);
        expectTotal(table, "contract_wan", contract);
        expectTotal(table, "progress_pct", 100.0 * weighted / weight);
    }
}

TEST(LedgerTest, SupplyFillsEveryColumnAndItsTotalsAreTheFeatures)
{
    const Ledger ledger = sampleLedger(LedgerKind::Supply);
    expectEveryColumnFilled(ledger);
    std::size_t plots = 0;
    double mu = 0, investTot = 0, invested = 0, tax = 0, floor = 0, built = 0;
    double investedMu = 0, taxMu = 0, floorMu = 0;
    forEachFeature("parcels", [&](OGRFeature& feature, OGRGeometry* geometry) {
        ++plots;
        const double plotMu = geodesicMu(geometry);
        mu += plotMu;
        investTot += fieldNumber(feature, "invest_tot").value_or(0);
        built += fieldNumber(feature, "built_area").value_or(0);
        if (auto v = fieldNumber(feature, "invested")) {
            invested += *v;
            investedMu += plotMu;
        }
        if (auto v = fieldNumber(feature, "tax")) {
            tax += *v;
            taxMu += plotMu;
        }
        if (auto v = fieldNumber(feature, "floor_area")) {
            floor += *v;
            floorMu += plotMu;
        }
    });
    const LedgerTable& byParcel = tableOf(ledger, "by_parcel");
    EXPECT_EQ(byParcel.rows.size(), plots);
    expectTotal(byParcel, "area_mu", mu, 1e-7);
    expectTotal(byParcel, "invest_tot_wan", investTot);
    expectTotal(byParcel, "invested_wan", invested);
    expectTotal(byParcel, "tax_wan", tax);
    expectTotal(byParcel, "floor_area_m2", floor);
    expectTotal(byParcel, "built_area_m2", built);
    expectTotal(byParcel, "invest_per_mu_wan", invested / investedMu, 1e-7);
    expectTotal(byParcel, "tax_per_mu_wan", tax / taxMu, 1e-7);
    expectTotal(byParcel, "far", floor / m2FromMu(floorMu), 1e-7);
    const LedgerTable& byYear = tableOf(ledger, "by_year");
    expectTotal(byYear, "plots", double(plots));
    expectTotal(byYear, "area_mu", mu, 1e-7);
    expectTotal(byYear, "invested_wan", invested);
    expectTotal(byYear, "tax_wan", tax);
}

TEST(LedgerTest, AcquisitionDisputeWrittenAsWordsIsAFlag)
{
    // A ledger's 是否纠纷 column in words: 是 / 否, masked (xx) is unknown and said so.
    ParkLayer acquisition;
    acquisition.role = Role::Acquisition;
    Layer layer;
    layer.name = "acquisition";
    layer.crs = Crs::fromEpsg(4547);
    layer.geometry.setKind(GeometryKind::Polygon);
    layer.attributes.setFields({{"批次", FieldType::String}, {"是否纠纷", FieldType::String}});
    const char* const rows[][2] = {{"P1", "是"}, {"P2", "否"}, {"P3", "xx"}, {"P4", "1"}};
    for (std::size_t i = 0; i < 4; ++i) {
        const double x = 500000 + 200.0 * double(i), y = 3375000;
        layer.geometry.beginFeature();
        layer.geometry.beginPart();
        layer.geometry.beginRing();
        for (auto [dx, dy] : {std::pair{0, 0}, {100, 0}, {100, 100}, {0, 100}, {0, 0}})
            layer.geometry.addVertex(x + dx, y + dy);
        layer.geometry.endFeature();
        layer.attributes.setText(0, rows[i][0]);
        layer.attributes.setText(1, rows[i][1]);
        layer.attributes.commitRow();
        layer.fids.push_back(std::int64_t(i) + 1);
    }
    acquisition.layer = std::make_shared<const Layer>(layer);
    acquisition.fieldIndex = resolveContractFields(Role::Acquisition, layer.attributes);
    Park park;
    park.name = "test";
    park.crs = layer.crs;
    park.layers.push_back(std::move(acquisition));
    NullIssueSink issues;
    const Ledger ledger = buildLedger(park, LedgerKind::Acquisition, {}, issues);
    const LedgerTable& byBatch = tableOf(ledger, "by_batch");
    const std::size_t dispute = columnOf(byBatch, "dispute");
    ASSERT_EQ(byBatch.rows.size(), 4u);
    EXPECT_EQ(std::get<std::string>(byBatch.rows[0][dispute]), "是");
    EXPECT_EQ(std::get<std::string>(byBatch.rows[1][dispute]), "否");
    EXPECT_TRUE(std::holds_alternative<std::monostate>(byBatch.rows[2][dispute]));
    EXPECT_EQ(std::get<std::string>(byBatch.rows[3][dispute]), "是");
    EXPECT_EQ(numberOf(byBatch.total[dispute]), 2.0);
    bool noted = false;
    for (const std::string& note : byBatch.notes)
        noted |= note.rfind("纠纷 dispute", 0) == 0 && note.find("P3") != std::string::npos;
    EXPECT_TRUE(noted);
}

namespace {

using SheetRows = std::vector<std::vector<std::string>>;

/// Every sheet of an .xlsx (name, rows of cells as text, "" for an empty cell), read back
/// through GDAL's XLSX driver with no header row taken out.
std::vector<std::pair<std::string, SheetRows>> readWorkbook(const std::string& path)
{
    const char* options[] = {"HEADERS=DISABLE", "FIELD_TYPES=STRING", nullptr};
    GDALDatasetUniquePtr dataset(
        GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, options));
    EXPECT_TRUE(dataset) << path;
    std::vector<std::pair<std::string, SheetRows>> sheets;
    if (!dataset)
        return sheets;
    for (OGRLayer* layer : dataset->GetLayers()) {
        SheetRows rows;
        for (const auto& feature : *layer) {
            std::vector<std::string> cells;
            for (int i = 0; i < feature->GetFieldCount(); ++i)
                cells.push_back(feature->IsFieldSetAndNotNull(i) ? feature->GetFieldAsString(i)
                                                                 : "");
            rows.push_back(std::move(cells));
        }
        sheets.emplace_back(layer->GetName(), std::move(rows));
    }
    return sheets;
}

} // namespace

TEST(LedgerTest, XlsxTableLongerThanASheetGoesOnOverFurtherSheetsWithNoRowLost)
{
    // A million parcels pass Excel's 1,048,576 rows; the same split is shown here with a
    // sheet of 100 rows on the sample's 498 parcels.
    const Ledger ledger = sampleLedger(LedgerKind::Supply);
    const LedgerTable& plots = tableOf(ledger, "by_parcel");
    ASSERT_EQ(plots.rows.size(), 498u);
    const auto dir = parkatlas::test::scratch("ledger_xlsx_split");
    const std::string whole = (dir / "whole.xlsx").string();
    const std::string split = (dir / "split.xlsx").string();
    const std::size_t wholeWritten = writeLedgerXlsx(whole, ledger);
    const std::size_t splitWritten = writeLedgerXlsx(split, ledger, 100);
    const auto wholeSheets = readWorkbook(whole);
    const auto splitSheets = readWorkbook(split);
    // What it says it wrote (the CLI prints it) is what the workbook holds.
    EXPECT_EQ(wholeWritten, wholeSheets.size());
    EXPECT_EQ(splitWritten, splitSheets.size());
    ASSERT_EQ(wholeSheets.size(), ledger.tables.size());

    // The parcel table, one sheet: title, headers, 498 rows, total, notes.
    const std::size_t bodyLines = plots.rows.size() + 1 + plots.notes.size();
    const SheetRows* wholePlots = nullptr;
    for (const auto& [name, rows] : wholeSheets)
        if (!rows.empty() && rows[0][0] == plots.title)
            wholePlots = &rows;
    ASSERT_TRUE(wholePlots);
    ASSERT_EQ(wholePlots->size(), 2 + bodyLines);

    // Split: 97 lines of body a sheet (title, headers and the "continued on" line take 3).
    const std::size_t parts = (bodyLines + 96) / 97;
    ASSERT_EQ(splitSheets.size(), wholeSheets.size() - 1 + parts);
    SheetRows joined;
    std::size_t partsSeen = 0;
    for (std::size_t s = 0; s < splitSheets.size(); ++s) {
        const auto& [name, rows] = splitSheets[s];
        ASSERT_FALSE(rows.empty()) << name;
        if (rows[0][0].rfind(plots.title, 0) != 0 || rows[0][0] == plots.title)
            continue;
        ++partsSeen;
        EXPECT_LE(rows.size(), 100u) << name;
        EXPECT_NE(rows[0][0].find("part " + std::to_string(partsSeen) + " of " +
                                  std::to_string(parts)),
                  std::string::npos)
            << rows[0][0];
        EXPECT_EQ(rows[1], (*wholePlots)[1]) << name << ": the headers again";
        const bool last = partsSeen == parts;
        for (std::size_t r = 2; r < rows.size() - (last ? 0 : 1); ++r)
            joined.push_back(rows[r]);
        if (!last) {
            ASSERT_LT(s + 1, splitSheets.size());
            EXPECT_NE(rows.back()[0].find("continued on sheet \"" + splitSheets[s + 1].first),
                      std::string::npos)
                << rows.back()[0];
        }
    }
    EXPECT_EQ(partsSeen, parts);
    // Every row, the total and the notes, in order, nothing lost or doubled.
    const SheetRows wholeBody(wholePlots->begin() + 2, wholePlots->end());
    EXPECT_EQ(joined, wholeBody);

    // Tables that fit are written as before.
    for (const auto& [name, rows] : wholeSheets) {
        if (&rows == wholePlots)
            continue;
        bool found = false;
        for (const auto& [splitName, splitRows] : splitSheets)
            found = found || (splitName == name && splitRows == rows);
        EXPECT_TRUE(found) << name;
    }
}
