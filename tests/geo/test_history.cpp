// The history a park keeps (geo/store/history.h) on a GeoPackage: two editors save one after
// the other, then the park is read as of each day.

#include "geo/error.h"
#include "geo/gdal_session.h"
#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/store/edit_session.h"
#include "geo/store/history.h"

#include "tests/support/scratch_dir.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <chrono>
#include <filesystem>

using namespace parkatlas::geo;
namespace fs = std::filesystem;

namespace {

const std::string kSample = std::string(PARKATLAS_SOURCE_DIR) + "/data/sample";

/// Moves the changes recorded after `since` to noon UTC of `day`, as if they were saved then.
void backdate(const std::string& gpkg, const std::string& layer, const std::string& since,
              const std::string& day)
{
    ensureGdal();
    GDALDatasetUniquePtr dataset(GDALDataset::Open(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE,
                                                   nullptr, nullptr, nullptr));
    ASSERT_TRUE(dataset);
    const std::string table = historyLayerName(layer);
    dataset->ExecuteSQL(("UPDATE \"" + table + "\" SET hist_valid_to = '" + day +
                         "T12:00:00Z' WHERE hist_valid_to > '" + since + "'")
                            .c_str(),
                        nullptr, nullptr);
    dataset->ExecuteSQL(("UPDATE \"" + table + "\" SET hist_valid_from = '" + day +
                         "T12:00:00Z' WHERE hist_valid_from > '" + since + "'")
                            .c_str(),
                        nullptr, nullptr);
}

FeatureChange update(const EditableFeature& feature, FieldValues values)
{
    FeatureChange change;
    change.fid = feature.fid;
    change.baseVersion = feature.version;
    change.values = std::move(values);
    return change;
}

struct Row {
    bool present = false;
    std::string owner;
};

/// The parcel `fid` of the park as read (PARK or PARK@DATE).
Row parcel(const Park& park, std::int64_t fid)
{
    const ParkLayer* parcels = park.layer(Role::Parcels);
    for (std::size_t row = 0; row < parcels->layer->featureCount(); ++row)
        if (parcels->layer->fids[row] == fid)
            return {true, parcels->layer->attributes.text(row, parcels->field("owner"))};
    return {};
}

Park read(const std::string& source, IssueList& issues)
{
    return loadPark(discoverPark(source), {}, issues);
}

} // namespace

TEST(HistoryTest, TwoEditorsOneAfterTheOtherAreReadBackAsOfEachDay)
{
    const std::string path = (parkatlas::test::scratch("history_gpkg") / "park.gpkg").string();
    fs::copy_file(kSample + "/park.gpkg", path);
    IssueList issues;
    const Park before = read(path, issues);
    const std::size_t parcelCount = before.layer(Role::Parcels)->layer->featureCount();
    const std::int64_t changed = before.layer(Role::Parcels)->layer->fids[0];
    const std::int64_t removed = before.layer(Role::Parcels)->layer->fids[1];
    const std::string originalOwner = parcel(before, changed).owner;

    // Alice, on 2026-03-10: a new owner.
    {
        auto session = EditSession::open(path, "parcels");
        session->setHistoryStamp({"edit", "alice"});
        session->commit({update(session->read(changed), {{"owner", std::string("甲公司")}})});
    }
    backdate(path, "parcels", "2026-07-01", "2026-03-10");
    // Bob, on 2026-06-20: another owner, one parcel deleted, one drawn.
    std::int64_t added = -1;
    {
        auto session = EditSession::open(path, "parcels");
        session->setHistoryStamp({"edit", "bob"});
        FeatureChange remove;
        remove.kind = FeatureChange::Kind::Delete;
        remove.fid = removed;
        remove.baseVersion = session->read(removed).version;
        FeatureChange insert;
        insert.kind = FeatureChange::Kind::Insert;
        insert.values = {{"parcel_id", std::string("NEW-1")}, {"owner", std::string("丙公司")}};
        insert.geometryWkb = session->read(removed).geometryWkb;
        added = session->commit({update(session->read(changed), {{"owner", std::string("乙公司")}}),
                                 remove, insert})
                    .front();
    }
    backdate(path, "parcels", "2026-07-01", "2026-06-20");

    // As it is now.
    const Park now = read(path, issues);
    EXPECT_EQ(parcel(now, changed).owner, "乙公司");
    EXPECT_FALSE(parcel(now, removed).present);
    EXPECT_TRUE(parcel(now, added).present);

    // As of Alice's day and the day before Bob's: her owner, the deleted parcel back, no new one.
    for (const char* day : {"2026-03-10", "2026-06-19"}) {
        IssueList dated;
        const Park then = read(path + "@" + day, dated);
        EXPECT_EQ(parcel(then, changed).owner, "甲公司") << day;
        EXPECT_TRUE(parcel(then, removed).present) << day;
        EXPECT_FALSE(parcel(then, added).present) << day;
        EXPECT_EQ(then.layer(Role::Parcels)->layer->featureCount(), parcelCount) << day;
        // The history's rows come back with the layer's CRS and geometry.
        EXPECT_EQ(then.crs.epsg(), before.crs.epsg());
        // The layers that keep no history (all but parcels) are read as they are, and it is said.
        bool said = false;
        for (const Issue& issue : dated.issues())
            said = said || issue.message.find("keep no history") != std::string::npos;
        EXPECT_TRUE(said) << day;
    }
    // As of Bob's day: his state, the same as now.
    {
        OpenOptions open;
        open.asOf = "2026-06-20";
        IssueList dated;
        const Park then = loadPark(discoverPark(path, open), {}, dated);
        EXPECT_EQ(parcel(then, changed).owner, "乙公司");
        EXPECT_FALSE(parcel(then, removed).present);
        EXPECT_TRUE(parcel(then, added).present);
    }
    // Before the first recorded change the park's state is not known.
    try {
        discoverPark(path + "@2026-03-09");
        FAIL() << "a date before the history was accepted";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("before the park's first recorded history"),
                  std::string::npos)
            << error.what();
    }

    // The history lists each change with who made it and what changed.
    const std::vector<HistoryEntry> entries = readHistory(path, {{"parcels", "parcel_id"}}, "");
    ASSERT_EQ(entries.size(), 4u);
    EXPECT_EQ(entries[0].who, "alice");
    EXPECT_EQ(entries[0].operation, "update");
    EXPECT_EQ(entries[0].validTo, "2026-03-10T12:00:00Z");
    EXPECT_EQ(entries[0].validFrom, "");
    ASSERT_EQ(entries[0].changedFields.size(), 1u);
    EXPECT_EQ(entries[0].changedFields[0].first, "owner");
    EXPECT_EQ(entries[0].changedFields[0].second.first, std::optional<std::string>(originalOwner));
    EXPECT_EQ(entries[0].changedFields[0].second.second, std::optional<std::string>("甲公司"));
    EXPECT_FALSE(entries[0].geometryChanged);
    for (std::size_t i = 1; i < 4; ++i) {
        EXPECT_EQ(entries[i].who, "bob");
        EXPECT_EQ(entries[i].command, "edit");
        EXPECT_EQ(entries[i].validTo, "2026-06-20T12:00:00Z");
    }
    EXPECT_EQ(entries[1].operation, "update");
    EXPECT_EQ(entries[1].validFrom, "2026-03-10T12:00:00Z");
    EXPECT_EQ(entries[1].changedFields.at(0).second.second, std::optional<std::string>("乙公司"));
    EXPECT_EQ(entries[2].operation, "delete");
    EXPECT_EQ(entries[3].operation, "insert");
    EXPECT_EQ(entries[3].id, "NEW-1");
    // Filtered by the feature's id.
    EXPECT_EQ(readHistory(path, {{"parcels", "parcel_id"}}, "NEW-1").size(), 1u);

    // The history layer is no role and no layer of the park.
    const ParkDefinition definition = discoverPark(path);
    for (const LayerRef& ref : definition.unassigned)
        EXPECT_NE(ref.layerName, "parcels_history");
    EXPECT_EQ(definition.find(Role::Parcels)->ref.layerName, "parcels");
}

TEST(HistoryTest, ParkDatesThatCannotBeHonouredAreRefusedClearly)
{
    EXPECT_THROW(parseParkDate("2026-13-45", "--as-of"), Error);
    EXPECT_THROW(parseParkDate("yesterday", "--as-of"), Error);
    EXPECT_THROW(parseParkDate("2099-01-01", "--as-of"), Error);
    try {
        parseParkDate("2099-01-01", "park.gpkg@2099-01-01");
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("in the future"), std::string::npos);
    }
    EXPECT_EQ(parseParkDate("2026-06-30", "--as-of").toIso(), "2026-06-30");

    EXPECT_EQ(splitParkDate("park.gpkg@2026-06-30"),
              std::make_pair(std::string("park.gpkg"), std::string("2026-06-30")));
    EXPECT_EQ(splitParkDate("park.gpkg"), std::make_pair(std::string("park.gpkg"), std::string()));
    // A connection's user@host is no date; a date after it is.
    const std::string uri = "postgresql://carol@127.0.0.1:5432/parkatlas";
    EXPECT_EQ(splitParkDate(uri).second, "");
    EXPECT_EQ(splitParkDate(uri + "@2026-06-30"), std::make_pair(uri, std::string("2026-06-30")));

    // A folder of shapefiles keeps no history: read as it is, and said.
    const ParkDefinition folder = discoverPark(kSample + "/shp@2026-06-30");
    ASSERT_FALSE(folder.layers.empty());
    ASSERT_EQ(folder.warnings.size(), 1u);
    EXPECT_NE(folder.warnings[0].find("keeps no history"), std::string::npos) << folder.warnings[0];
    for (const ParkLayerSource& layer : folder.layers)
        EXPECT_EQ(layer.open.asOf, "");
    // Two different dates for one park.
    OpenOptions open;
    open.asOf = "2026-05-01";
    EXPECT_THROW(discoverPark(kSample + "/park.gpkg@2026-06-30", open), Error);
}

TEST(HistoryTest, HistoryLayersAreNeverTakenForRoles)
{
    EXPECT_TRUE(isHistoryLayerName("parcels_history"));
    EXPECT_TRUE(isHistoryLayerName("Plan_Zones_History"));
    EXPECT_FALSE(isHistoryLayerName("parcels"));
    EXPECT_FALSE(isHistoryLayerName("my_history"));
    EXPECT_FALSE(roleFromLayerName("parcels_history"));
}

namespace {

std::vector<std::int64_t> historyIds(const std::vector<HistoryEntry>& entries)
{
    std::vector<std::int64_t> ids;
    for (const HistoryEntry& entry : entries)
        ids.push_back(entry.historyId);
    return ids;
}

} // namespace

TEST(HistoryTest, OneFeaturesHistoryIsFilteredByTheDatabaseNotReadWhole)
{
    const std::string path = (parkatlas::test::scratch("history_filter") / "park.gpkg").string();
    fs::copy_file(kSample + "/park.gpkg", path);
    IssueList issues;
    const Park before = read(path, issues);
    const Layer& parcels = *before.layer(Role::Parcels)->layer;
    const std::int64_t renamed = parcels.fids[0], removed = parcels.fids[1];
    const std::string oldId =
        parcels.attributes.text(0, before.layer(Role::Parcels)->field("parcel_id"));
    // A day of edits: every parcel's owner, one parcel renumbered; then another owner, a parcel
    // deleted and one drawn.
    {
        auto session = EditSession::open(path, "parcels");
        session->setHistoryStamp({"edit", "alice"});
        std::vector<FeatureChange> changes;
        for (std::size_t row = 0; row < parcels.featureCount(); ++row) {
            FieldValues values{{"owner", "业主" + std::to_string(row)}};
            if (row == 0)
                values["parcel_id"] = std::string("RENAMED-1");
            changes.push_back(update(session->read(parcels.fids[row]), std::move(values)));
        }
        session->commit(changes);
    }
    {
        auto session = EditSession::open(path, "parcels");
        session->setHistoryStamp({"edit", "bob"});
        FeatureChange remove;
        remove.kind = FeatureChange::Kind::Delete;
        remove.fid = removed;
        remove.baseVersion = session->read(removed).version;
        FeatureChange insert;
        insert.kind = FeatureChange::Kind::Insert;
        insert.values = {{"parcel_id", std::string("NEW-2")}};
        insert.geometryWkb = session->read(removed).geometryWkb;
        session->commit({update(session->read(renamed), {{"owner", std::string("乙公司")}}),
                         remove, insert});
    }
    // Years of edits: the history grown 32 times over by copies of its rows for other features.
    {
        ensureGdal();
        GDALDatasetUniquePtr dataset(GDALDataset::Open(
            path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr));
        ASSERT_TRUE(dataset);
        OGRLayer* history = dataset->GetLayerByName("parcels_history");
        ASSERT_TRUE(history);
        std::string columns = "\"" + std::string(history->GetGeometryColumn()) + "\"";
        std::string values = columns;
        for (int i = 0; i < history->GetLayerDefn()->GetFieldCount(); ++i) {
            const std::string name = history->GetLayerDefn()->GetFieldDefn(i)->GetNameRef();
            columns += ", \"" + name + "\"";
            values += name == "hist_fid"    ? ", hist_fid + 1000000"
                      : name == "parcel_id" ? ", 'copy-' || parcel_id"
                                            : ", \"" + name + "\"";
        }
        for (int round = 0; round < 5; ++round)
            dataset->ExecuteSQL(("INSERT INTO parcels_history (" + columns + ") SELECT " +
                                 values + " FROM parcels_history")
                                    .c_str(),
                                nullptr, nullptr);
        ASSERT_GT(history->GetFeatureCount(), 15000);
    }

    const std::vector<std::pair<std::string, std::string>> layers = {{"parcels", "parcel_id"}};
    auto started = std::chrono::steady_clock::now();
    const std::vector<HistoryEntry> all = readHistory(path, layers, "");
    const auto wholeTime = std::chrono::steady_clock::now() - started;
    ASSERT_GT(all.size(), 15000u);
    // By the old id, the new one, a fid, an inserted feature's id, an unknown id: the rows of
    // the whole history that concern it, and only those.
    std::chrono::steady_clock::duration filteredTime{};
    for (const std::string& id : {oldId, std::string("RENAMED-1"), std::to_string(renamed),
                                  std::to_string(removed), std::string("NEW-2"),
                                  std::string("no-such-plot")}) {
        std::vector<HistoryEntry> expected;
        for (const HistoryEntry& entry : all)
            if (entry.id == id || (entry.fid && std::to_string(*entry.fid) == id))
                expected.push_back(entry);
        started = std::chrono::steady_clock::now();
        const std::vector<HistoryEntry> filtered = readHistory(path, layers, id);
        filteredTime += std::chrono::steady_clock::now() - started;
        EXPECT_EQ(historyIds(filtered), historyIds(expected)) << id;
        for (std::size_t i = 0; i < filtered.size() && i < expected.size(); ++i) {
            EXPECT_EQ(filtered[i].changedFields, expected[i].changedFields) << id;
            EXPECT_EQ(filtered[i].geometryChanged, expected[i].geometryChanged) << id;
        }
    }
    EXPECT_EQ(readHistory(path, layers, oldId).size(), 1u); // the renumbering
    EXPECT_EQ(readHistory(path, layers, std::to_string(renamed)).size(), 2u);
    EXPECT_EQ(readHistory(path, layers, "NEW-2").size(), 1u);
    // Six filtered reads together take a fraction of one whole read (which reads every row).
    EXPECT_LT(filteredTime * 3, wholeTime)
        << "filtered " << std::chrono::duration<double>(filteredTime).count() << " s, whole "
        << std::chrono::duration<double>(wholeTime).count() << " s";
}
