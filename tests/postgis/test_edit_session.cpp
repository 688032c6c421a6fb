#include "postgis_cluster.h"

#include "geo/error.h"
#include "geo/io/park_source.h"
#include "geo/io/pg_connection.h"
#include "geo/issue.h"
#include "geo/store/edit_session.h"
#include "geo/store/postgis_transfer.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace parkatlas::geo;
using parkatlas::test::PostgisCluster;
namespace fs = std::filesystem;

namespace {

const std::string kSample = PARKATLAS_SAMPLE_DIR;

/// A fresh copy of the sample park on the server in `schema`, the roles granted.
std::string freshPark(const std::string& schema)
{
    NullIssueSink issues;
    PushOptions options;
    options.schema = schema;
    options.replace = true;
    pushPark(discoverPark(kSample + "/park.gpkg"), PostgisCluster::uri(), options, issues);
    return PostgisCluster::uri() + "?options=-csearch_path%3D" + schema;
}

std::string as(const std::string& user, const std::string& schema)
{
    return PostgisCluster::uri(user) + "?options=-csearch_path%3D" + schema;
}

FeatureChange update(const EditableFeature& feature, FieldValues values)
{
    FeatureChange change;
    change.kind = FeatureChange::Kind::Update;
    change.fid = feature.fid;
    change.baseVersion = feature.version;
    change.values = std::move(values);
    return change;
}

/// Both stores: the same optimistic-locking contract.
void twoEditorsOnOneFeature(const std::string& store, const std::string& storeLabel)
{
    auto first = EditSession::open(store, "expansion");
    auto second = EditSession::open(store, "expansion");
    const std::int64_t fid = first->fids().front();
    const EditableFeature readByFirst = first->read(fid);
    const EditableFeature readBySecond = second->read(fid);
    ASSERT_EQ(readByFirst.version, readBySecond.version);

    first->commit({update(readByFirst, {{"note", std::string("一号编辑：扩区北线")}})});
    try {
        second->commit({update(readBySecond, {{"note", std::string("二号编辑")}})});
        FAIL() << storeLabel << ": the conflicting save was accepted";
    } catch (const EditConflict& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("changed by someone else"), std::string::npos) << message;
        EXPECT_NE(message.find("nothing was saved"), std::string::npos) << message;
        EXPECT_NE(message.find("expansion"), std::string::npos) << message;
    }
    const EditableFeature now = second->read(fid);
    EXPECT_EQ(now.values.at("note"), std::optional<std::string>("一号编辑：扩区北线")) << storeLabel;
    EXPECT_NE(now.version, readByFirst.version) << storeLabel;
    // After a reload the second editor's change goes through.
    second->commit({update(now, {{"note", std::string("二号编辑")}})});
    EXPECT_EQ(first->read(fid).values.at("note"), std::optional<std::string>("二号编辑"));
}

} // namespace

TEST(EditSessionTest, PostgisRefusesTheSecondOfTwoConflictingSavesAndKeepsTheFirst)
{
    const std::string store = freshPark("edit_conflict");
    twoEditorsOnOneFeature(store, "PostGIS");
    EXPECT_EQ(PostgisCluster::psql("SELECT max(row_version) FROM edit_conflict.expansion"), "3\n");
}

TEST(EditSessionTest, GeoPackageRefusesTheSecondOfTwoConflictingSavesAndKeepsTheFirst)
{
    const std::string path = PostgisCluster::scratch("gpkg_edit") + "/park.gpkg";
    fs::copy_file(kSample + "/park.gpkg", path);
    twoEditorsOnOneFeature(path, "GeoPackage");
}

TEST(EditSessionTest, OneConflictInACommitSavesNoneOfItsChanges)
{
    const std::string store = freshPark("edit_atomic");
    auto mine = EditSession::open(store, "parcels");
    auto theirs = EditSession::open(store, "parcels");
    const std::vector<std::int64_t> fids = mine->fids();
    const EditableFeature a = mine->read(fids[0]);
    const EditableFeature b = mine->read(fids[1]);
    theirs->commit({update(theirs->read(fids[1]), {{"owner", std::string("someone else")}})});
    EXPECT_THROW(mine->commit({update(a, {{"owner", std::string("mine")}}),
                               update(b, {{"owner", std::string("mine too")}})}),
                 EditConflict);
    EXPECT_EQ(mine->read(fids[0]).values.at("owner"), a.values.at("owner"));
    EXPECT_EQ(mine->read(fids[0]).version, a.version);
    EXPECT_EQ(mine->read(fids[1]).values.at("owner"), std::optional<std::string>("someone else"));
}

TEST(EditSessionTest, DeletedFeatureIsAConflictForWhoeverStillHoldsIt)
{
    const std::string store = freshPark("edit_delete");
    auto mine = EditSession::open(store, "parcels");
    auto theirs = EditSession::open(store, "parcels");
    const std::int64_t fid = mine->fids().front();
    const EditableFeature held = mine->read(fid);
    FeatureChange removal;
    removal.kind = FeatureChange::Kind::Delete;
    removal.fid = fid;
    removal.baseVersion = theirs->read(fid).version;
    theirs->commit({removal});
    try {
        mine->commit({update(held, {{"owner", std::string("x")}})});
        FAIL();
    } catch (const EditConflict& error) {
        EXPECT_NE(std::string(error.what()).find("deleted by someone else"), std::string::npos);
    }
}

TEST(EditSessionTest, InsertAndGeometryChangeAreSavedInTheLayerCrs)
{
    const std::string store = freshPark("edit_insert");
    auto session = EditSession::open(store, "expansion");
    const EditableFeature template_ = session->read(session->fids().front());
    FeatureChange insert;
    insert.kind = FeatureChange::Kind::Insert;
    insert.values = {{"name", std::string("新扩区")}, {"land_use", std::string("M1")},
                     {"note", std::nullopt}};
    insert.geometryWkb = template_.geometryWkb;
    const auto fids = session->commit({insert});
    ASSERT_EQ(fids.size(), 1u);
    const EditableFeature added = session->read(fids[0]);
    EXPECT_EQ(added.values.at("name"), std::optional<std::string>("新扩区"));
    EXPECT_EQ(added.values.at("note"), std::nullopt);
    EXPECT_EQ(added.geometryWkb, template_.geometryWkb);
    EXPECT_EQ(added.version, 1);
    EXPECT_EQ(PostgisCluster::psql("SELECT ST_SRID(geom) FROM edit_insert.expansion WHERE fid = " +
                                   std::to_string(fids[0])),
              "4547\n");
}

// -- roles ----------------------------------------------------------------------------------------

TEST(RolesTest, AuditorsReadEverythingAndMayNotSaveAnything)
{
    freshPark("roles");
    auto session = EditSession::open(as("alice", "roles"), "parcels");
    const EditableFeature parcel = session->read(session->fids().front());
    try {
        session->commit({update(parcel, {{"owner", std::string("alice")}})});
        FAIL() << "an auditor saved a change";
    } catch (const EditRefused& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("role 'alice' may not change layer 'parcels'"), std::string::npos)
            << message;
        EXPECT_NE(message.find("nothing was saved"), std::string::npos) << message;
    }
    auto expansion = EditSession::open(as("alice", "roles"), "expansion");
    const EditableFeature zone = expansion->read(expansion->fids().front());
    EXPECT_THROW(expansion->commit({update(zone, {{"note", std::string("x")}})}), EditRefused);
    EXPECT_EQ(session->read(parcel.fid).values.at("owner"), parcel.values.at("owner"));
}

TEST(RolesTest, PlannersEditExpansionZonesOnly)
{
    freshPark("roles_planner");
    auto expansion = EditSession::open(as("bob", "roles_planner"), "expansion");
    const EditableFeature zone = expansion->read(expansion->fids().front());
    expansion->commit({update(zone, {{"note", std::string("规划调整")}})});
    EXPECT_EQ(expansion->read(zone.fid).values.at("note"), std::optional<std::string>("规划调整"));
    FeatureChange insert;
    insert.kind = FeatureChange::Kind::Insert;
    insert.values = {{"name", std::string("bob's zone")}};
    insert.geometryWkb = zone.geometryWkb;
    EXPECT_EQ(expansion->commit({insert}).size(), 1u);

    auto parcels = EditSession::open(as("bob", "roles_planner"), "parcels");
    const EditableFeature parcel = parcels->read(parcels->fids().front());
    EXPECT_THROW(parcels->commit({update(parcel, {{"owner", std::string("bob")}})}), EditRefused);
    auto zones = EditSession::open(as("bob", "roles_planner"), "plan_zones");
    const EditableFeature planZone = zones->read(zones->fids().front());
    EXPECT_THROW(zones->commit({update(planZone, {{"land_use", std::string("M1")}})}),
                 EditRefused);
}

TEST(RolesTest, AdministratorsEditEveryLayer)
{
    freshPark("roles_admin");
    for (const char* layer : {"parcels", "plan_zones", "expansion", "boundary"}) {
        auto session = EditSession::open(as("carol", "roles_admin"), layer);
        const EditableFeature feature = session->read(session->fids().front());
        FeatureChange change = update(feature, {});
        change.geometryWkb = feature.geometryWkb;
        session->commit({change});
        EXPECT_EQ(session->read(feature.fid).version, feature.version + 1) << layer;
    }
}

// -- hostile names and values -----------------------------------------------------------------

TEST(HostileInputTest, QuotesSemicolonsChineseAndLongValuesAreStoredAsGiven)
{
    const std::string store = freshPark("hostile");
    auto session = EditSession::open(store, "parcels");
    const std::vector<std::string> values = {
        "O'Brien \"Ltd\"; DROP TABLE hostile.parcels; --",
        "'); DELETE FROM hostile.parcels WHERE ('1'='1",
        "tab\there, newline\nthere, backslash \\ and \\N",
        "$1 $$ dollar $$ quoting",
        "江苏省苏州工业园区“金鸡湖”管委会；（测试）",
        std::string(100000, 'x') + "长",
    };
    const std::vector<std::int64_t> fids = session->fids();
    for (std::size_t i = 0; i < values.size(); ++i) {
        const EditableFeature f = session->read(fids[i]);
        session->commit({update(f, {{"owner", values[i]}})});
        EXPECT_EQ(session->read(fids[i]).values.at("owner"), values[i]);
    }
    EXPECT_EQ(PostgisCluster::psql("SELECT count(*) = " + std::to_string(fids.size()) +
                                   " FROM hostile.parcels"),
              "t\n");
}

TEST(HostileInputTest, HostileLayerFieldAndSchemaNamesAreQuotedNeverRun)
{
    freshPark("hostile_names");
    // A layer name that is SQL: no such table, nothing dropped.
    EXPECT_THROW(EditSession::open(PostgisCluster::uri(),
                                   "parcels\"; DROP TABLE hostile_names.parcels; --",
                                   "hostile_names"),
                 IoError);
    EXPECT_THROW(EditSession::open(PostgisCluster::uri(), "parcels", "x'; DROP SCHEMA hostile_names; --"),
                 IoError);
    EXPECT_EQ(PostgisCluster::psql("SELECT count(*) > 0 FROM hostile_names.parcels"), "t\n");

    // A field name that is SQL, and one in Chinese: created, written, read back as given.
    PostgisCluster::psql("ALTER TABLE hostile_names.parcels ADD COLUMN \"a\"\"b; DROP TABLE "
                         "hostile_names.parcels; --\" text, ADD COLUMN \"权利人名称\" text");
    auto session = EditSession::open(PostgisCluster::uri(), "parcels", "hostile_names");
    const EditableFeature f = session->read(session->fids().front());
    const std::string hostileField = "a\"b; DROP TABLE hostile_names.parcels; --";
    session->commit({update(f, {{hostileField, std::string("v'1")}, {"权利人名称", std::string("张三")}})});
    const EditableFeature back = session->read(f.fid);
    EXPECT_EQ(back.values.at(hostileField), std::optional<std::string>("v'1"));
    EXPECT_EQ(back.values.at("权利人名称"), std::optional<std::string>("张三"));
    // A field the table does not have is refused before anything is sent.
    EXPECT_THROW(session->commit({update(back, {{"no such\"; --", std::string("x")}})}), IoError);

    // A schema whose name is SQL: published and edited like any other.
    NullIssueSink issues;
    PushOptions options;
    options.schema = "公园'; DROP SCHEMA public; --";
    options.replace = true;
    pushPark(discoverPark(kSample + "/park.gpkg"), PostgisCluster::uri(), options, issues);
    auto odd = EditSession::open(PostgisCluster::uri(), "parcels", options.schema);
    EXPECT_GT(odd->fids().size(), 100u);
    EXPECT_EQ(PostgisCluster::psql("SELECT count(*) FROM pg_namespace WHERE nspname = 'public'"),
              "1\n");
}
