// The history a PostGIS park keeps: push records the tables' creation, a trigger records every
// saved change with the login that made it; two editors one after the other, then the park as
// of each day.

#include "postgis_cluster.h"

#include "geo/error.h"
#include "geo/io/park_source.h"
#include "geo/io/pg_connection.h"
#include "geo/issue.h"
#include "geo/store/edit_session.h"
#include "geo/store/history.h"
#include "geo/store/postgis_transfer.h"

#include <gtest/gtest.h>

using namespace parkatlas::geo;
using parkatlas::test::PostgisCluster;

namespace {

const std::string kSample = PARKATLAS_SAMPLE_DIR;
const std::string kSchema = "history_two";

std::string as(const std::string& user)
{
    return PostgisCluster::uri(user) + "?options=-csearch_path%3D" + kSchema;
}

/// Moves the history rows made after `since` to noon UTC of `day`, as if they were saved then.
void backdate(const std::string& table, const std::string& since, const std::string& day)
{
    PostgisCluster::psql("UPDATE " + kSchema + "." + table + "_history SET hist_valid_to = '" +
                         day + "T12:00:00Z' WHERE hist_valid_to > '" + since +
                         "'; UPDATE " + kSchema + "." + table +
                         "_history SET hist_valid_from = '" + day +
                         "T12:00:00Z' WHERE hist_valid_from > '" + since + "';");
}

FeatureChange update(const EditableFeature& feature, FieldValues values)
{
    FeatureChange change;
    change.fid = feature.fid;
    change.baseVersion = feature.version;
    change.values = std::move(values);
    return change;
}

/// The text of `field` of feature `fid` of `role` in the park as read; nullopt when absent.
std::optional<std::string> valueOf(const Park& park, Role role, std::int64_t fid,
                                   const std::string& field)
{
    const ParkLayer* layer = park.layer(role);
    if (!layer)
        return std::nullopt;
    const int index = layer->layer->attributes.fieldIndex(field);
    for (std::size_t row = 0; row < layer->layer->featureCount(); ++row)
        if (layer->layer->fids[row] == fid)
            return layer->layer->attributes.text(row, index);
    return std::nullopt;
}

} // namespace

TEST(PostgisHistoryTest, TwoEditorsOneAfterTheOtherAreReadBackAsOfEachDay)
{
    NullIssueSink quiet;
    PushOptions options;
    options.schema = kSchema;
    options.replace = true;
    pushPark(discoverPark(kSample + "/park.gpkg"), PostgisCluster::uri(), options, quiet);
    backdate("parcels", "2026-07-01", "2026-02-01");
    backdate("expansion", "2026-07-01", "2026-02-01");

    // Carol (an administrator), on 2026-03-10: a parcel's owner.
    auto carol = EditSession::open(as("carol"), "parcels");
    const std::vector<std::int64_t> parcels = carol->fids();
    const std::int64_t changed = parcels[0], removed = parcels[1];
    carol->commit({update(carol->read(changed), {{"owner", std::string("甲公司")}})});
    backdate("parcels", "2026-07-01", "2026-03-10");

    // Bob (a planner), on 2026-06-20: an expansion zone's note; Carol removes a parcel that day.
    auto bob = EditSession::open(as("bob"), "expansion");
    const std::int64_t zone = bob->fids().front();
    const std::optional<std::string> originalNote = bob->read(zone).values.at("note");
    bob->commit({update(bob->read(zone), {{"note", std::string("北线外扩 200 m")}})});
    FeatureChange remove;
    remove.kind = FeatureChange::Kind::Delete;
    remove.fid = removed;
    remove.baseVersion = carol->read(removed).version;
    carol->commit({remove});
    backdate("parcels", "2026-07-01", "2026-06-20");
    backdate("expansion", "2026-07-01", "2026-06-20");

    // The history names who saved, from the login, and the command.
    auto rows = [](const std::string& sql) {
        std::string out = PostgisCluster::psql(sql);
        while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
            out.pop_back();
        return out;
    };
    EXPECT_EQ(rows("SELECT string_agg(hist_op || ' ' || hist_by || ' ' || hist_command, ', ' "
                   "ORDER BY hist_id) FROM " + kSchema + ".parcels_history"),
              "create postgres push, update carol edit, delete carol edit");
    EXPECT_EQ(rows("SELECT string_agg(hist_op || ' ' || hist_by, ', ' ORDER BY hist_id) FROM " +
                   kSchema + ".expansion_history"),
              "create postgres, update bob");
    // An editor cannot rewrite the history: the trigger writes it, not the editor's rights.
    {
        PgConnection asBob(as("bob"));
        EXPECT_THROW(asBob.exec("DELETE FROM " + kSchema + ".expansion_history"), PgError);
    }

    IssueList issues;
    const std::string park = as("carol");
    const Park day1 = loadPark(discoverPark(park + "@2026-03-10"), {}, issues);
    EXPECT_EQ(valueOf(day1, Role::Parcels, changed, "owner"), std::optional<std::string>("甲公司"));
    EXPECT_TRUE(valueOf(day1, Role::Parcels, removed, "owner"));
    EXPECT_EQ(valueOf(day1, Role::Expansion, zone, "note"), originalNote.value_or(""));
    EXPECT_EQ(day1.layer(Role::Parcels)->layer->featureCount(), parcels.size());
    EXPECT_EQ(day1.crs.epsg(), std::optional<int>(4547));

    const Park day2 = loadPark(discoverPark(park + "@2026-06-20"), {}, issues);
    EXPECT_EQ(valueOf(day2, Role::Parcels, changed, "owner"), std::optional<std::string>("甲公司"));
    EXPECT_FALSE(valueOf(day2, Role::Parcels, removed, "owner"));
    EXPECT_EQ(valueOf(day2, Role::Expansion, zone, "note"),
              std::optional<std::string>("北线外扩 200 m"));

    // The day of publishing: the original owner.
    const Park published = loadPark(discoverPark(park + "@2026-02-01"), {}, issues);
    EXPECT_NE(valueOf(published, Role::Parcels, changed, "owner"),
              std::optional<std::string>("甲公司"));
    EXPECT_THROW(discoverPark(park + "@2026-01-31"), Error);

    // The history as `parkatlas history` lists it.
    const std::vector<HistoryEntry> entries =
        readHistory(gdalSourceForSchema(PostgisCluster::uri(), kSchema),
                    {{"parcels", "parcel_id"}, {"expansion", "name"}}, "");
    ASSERT_EQ(entries.size(), 5u);
    EXPECT_EQ(entries[0].operation, "create");
    EXPECT_EQ(entries[0].validTo, "2026-02-01T12:00:00Z");
    bool sawCarolsUpdate = false;
    for (const HistoryEntry& entry : entries)
        if (entry.operation == "update" && entry.who == "carol") {
            sawCarolsUpdate = true;
            EXPECT_EQ(entry.validFrom, "2026-02-01T12:00:00Z");
            ASSERT_EQ(entry.changedFields.size(), 1u);
            EXPECT_EQ(entry.changedFields[0].second.second, std::optional<std::string>("甲公司"));
        }
    EXPECT_TRUE(sawCarolsUpdate);
    // One feature's history (an identify click) is filtered by the server, and is the same rows
    // as the whole history filtered here: by key, by fid, and nothing for an unknown id.
    for (const HistoryEntry& entry : entries) {
        for (const std::string& id :
             {entry.id, entry.fid ? std::to_string(*entry.fid) : std::string(), std::string("?")}) {
            if (id.empty())
                continue;
            std::vector<std::int64_t> expected, got;
            for (const HistoryEntry& e : entries)
                if (e.id == id || (e.fid && std::to_string(*e.fid) == id))
                    expected.push_back(e.historyId);
            for (const HistoryEntry& e :
                 readHistory(gdalSourceForSchema(PostgisCluster::uri(), kSchema),
                             {{"parcels", "parcel_id"}, {"expansion", "name"}}, id))
                got.push_back(e.historyId);
            EXPECT_EQ(got, expected) << id;
        }
    }

    // Publishing again over it keeps the old rows readable.
    pushPark(discoverPark(kSample + "/park.gpkg"), PostgisCluster::uri(), options, quiet);
    const Park again = loadPark(discoverPark(park + "@2026-06-20"), {}, issues);
    EXPECT_FALSE(valueOf(again, Role::Parcels, removed, "owner"));
    EXPECT_EQ(valueOf(again, Role::Parcels, changed, "owner"), std::optional<std::string>("甲公司"));
    const Park today = loadPark(discoverPark(park), {}, issues);
    EXPECT_TRUE(valueOf(today, Role::Parcels, removed, "owner"));
}
