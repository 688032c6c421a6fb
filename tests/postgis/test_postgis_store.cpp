#include "postgis_cluster.h"

#include "geo/error.h"
#include "geo/io/encoding.h"
#include "geo/io/gdal_open.h"
#include "geo/io/park_source.h"
#include "geo/io/pg_connection.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/measure/coverage.h"
#include "geo/measure/layer_measure.h"
#include "geo/rules/compliance.h"
#include "geo/store/edit_session.h"
#include "geo/store/postgis_transfer.h"
#include "geo/store/server_audit.h"
#include "geo/store/server_check.h"

#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <thread>

using namespace parkatlas::geo;
using parkatlas::test::PostgisCluster;
namespace fs = std::filesystem;

namespace {

const std::string kSample = PARKATLAS_SAMPLE_DIR;

/// Every feature of a layer as fid → (field name → exact text or "<null>", then the ISO WKB).
using Dump = std::map<std::int64_t, std::vector<std::string>>;

Dump dumpLayer(const std::string& path, const std::string& layerName)
{
    GdalErrorCapture errors;
    const EncodingChoice encoding = encodingForDataset(path, {});
    GDALDatasetUniquePtr dataset = openVectorDataset(path, encoding, errors);
    OGRLayer* layer = dataset->GetLayerByName(layerName.c_str());
    EXPECT_NE(layer, nullptr) << path << " " << layerName;
    Dump dump;
    if (!layer)
        return dump;
    for (OGRFeatureUniquePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
        std::vector<std::string> row;
        for (int i = 0; i < f->GetFieldCount(); ++i) {
            std::string value = "<null>";
            if (f->IsFieldSetAndNotNull(i)) {
                if (f->GetFieldDefnRef(i)->GetType() == OFTReal) {
                    char buffer[64];
                    auto [end, ec] = std::to_chars(buffer, buffer + 64, f->GetFieldAsDouble(i));
                    value.assign(buffer, end);
                } else {
                    value = f->GetFieldAsString(i);
                }
            }
            row.push_back(std::string(f->GetFieldDefnRef(i)->GetNameRef()) + "=" + value);
        }
        std::string wkb;
        if (const OGRGeometry* g = f->GetGeometryRef()) {
            wkb.resize(static_cast<std::size_t>(g->WkbSize()));
            g->exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()), wkbVariantIso);
        }
        row.push_back(wkb);
        dump[f->GetFID()] = row;
    }
    return dump;
}

void expectSameLayer(const std::string& original, const std::string& originalLayer,
                     const std::string& copy, const std::string& copyLayer)
{
    const Dump a = dumpLayer(original, originalLayer);
    const Dump b = dumpLayer(copy, copyLayer);
    ASSERT_EQ(a.size(), b.size()) << originalLayer;
    ASSERT_FALSE(a.empty()) << originalLayer;
    for (const auto& [fid, row] : a) {
        const auto it = b.find(fid);
        ASSERT_NE(it, b.end()) << originalLayer << " fid " << fid;
        ASSERT_EQ(row.size(), it->second.size()) << originalLayer << " fid " << fid;
        for (std::size_t i = 0; i + 1 < row.size(); ++i)
            EXPECT_EQ(row[i], it->second[i]) << originalLayer << " fid " << fid;
        EXPECT_TRUE(row.back() == it->second.back())
            << originalLayer << " fid " << fid << ": geometry differs";
    }
}

/// Publishes the sample park once into schema `schema` (as postgres).
void publishSample(const std::string& schema, const std::string& source = kSample + "/park.gpkg")
{
    static std::map<std::string, bool> done;
    if (done[schema])
        return;
    NullIssueSink issues;
    PushOptions options;
    options.schema = schema;
    options.replace = true;
    pushPark(discoverPark(source), PostgisCluster::uri(), options, issues);
    done[schema] = true;
}

} // namespace

TEST(PostgisStoreTest, PushThenPullGivesBackEveryFeatureOfTheSampleGeoPackage)
{
    publishSample("sample");
    const std::string dest = PostgisCluster::scratch("roundtrip") + "/back.gpkg";
    IssueList issues;
    PullOptions options;
    options.schema = "sample";
    const auto layers = pullPark(PostgisCluster::uri(), dest, options, issues);
    EXPECT_EQ(layers.size(), 11u);
    for (const LayerRef& ref : listLayers(kSample + "/park.gpkg"))
        expectSameLayer(kSample + "/park.gpkg", ref.layerName, dest, ref.layerName);
    // The server keeps the contract: GiST index, version column, typed geometry.
    EXPECT_EQ(PostgisCluster::psql("SELECT count(*) FROM pg_indexes WHERE schemaname = 'sample' "
                                   "AND indexdef LIKE '%USING gist%'"),
              "11\n");
    EXPECT_EQ(PostgisCluster::psql("SELECT type || ',' || srid FROM geometry_columns WHERE "
                                   "f_table_schema = 'sample' AND f_table_name = 'parcels'"),
              "POLYGON,4547\n");
}

TEST(PostgisStoreTest, GbkShapefilesKeepTheirChineseTextThroughPushAndPull)
{
    publishSample("sample_shp", kSample + "/shp.parkatlas.json");
    const std::string dest = PostgisCluster::scratch("roundtrip_shp") + "/back.gpkg";
    NullIssueSink issues;
    PullOptions options;
    options.schema = "sample_shp";
    pullPark(PostgisCluster::uri(), dest, options, issues);
    for (const char* layer : {"parcels", "acquisition", "roads"})
        expectSameLayer(kSample + "/shp/" + layer + ".shp", layer, dest, layer);
    // Decoded from GBK, stored as UTF-8 on the server.
    const std::string owners = PostgisCluster::psql(
        "SELECT count(*) FROM sample_shp.acquisition a WHERE a::text ~ '村'");
    EXPECT_NE(owners, "0\n");
    EXPECT_NE(PostgisCluster::psql("SELECT count(*) FROM information_schema.columns WHERE "
                                   "table_schema = 'sample_shp' AND column_name = '村'"),
              "0\n");
}

TEST(PostgisStoreTest, APostgisParkLoadsWithItsConventionalLayerNamesAndTheSameAreas)
{
    publishSample("sample");
    NullIssueSink issues;
    const ParkDefinition fromServer =
        discoverPark(PostgisCluster::uri() + "?options=-csearch_path%3Dsample");
    EXPECT_EQ(fromServer.name, "sample");
    EXPECT_EQ(fromServer.layers.size(), 11u);
    const Park server = loadPark(fromServer, {{Role::Parcels}, {}}, issues);
    const Park local = loadPark(discoverPark(kSample + "/park.gpkg"), {{Role::Parcels}, {}}, issues);
    ASSERT_NE(server.layer(Role::Parcels), nullptr);
    const Layer& a = *local.layer(Role::Parcels)->layer;
    const Layer& b = *server.layer(Role::Parcels)->layer;
    ASSERT_EQ(a.featureCount(), b.featureCount());
    EXPECT_EQ(a.fids, b.fids);
    const double localM2 = measureLayer(a, AreaMethod::Ellipsoidal, issues).totalAreaM2;
    const double serverM2 = measureLayer(b, AreaMethod::Ellipsoidal, issues).totalAreaM2;
    EXPECT_EQ(localM2, serverM2);
    EXPECT_GT(localM2, 0);
}

TEST(PostgisStoreTest, PushRefusesToOverwriteWithoutReplaceAndLeavesTheServerAsItWas)
{
    publishSample("sample");
    const std::string before = PostgisCluster::psql("SELECT count(*) FROM sample.parcels");
    NullIssueSink issues;
    PushOptions options;
    options.schema = "sample";
    EXPECT_THROW(pushPark(discoverPark(kSample + "/park.gpkg"), PostgisCluster::uri(), options,
                          issues),
                 IoError);
    EXPECT_EQ(PostgisCluster::psql("SELECT count(*) FROM sample.parcels"), before);
}

TEST(PostgisStoreTest, PasswordsInAConnectionAreRefusedWithWhereToPutThem)
{
    const std::string withPassword = "postgresql://alice:secret-alice@127.0.0.1:" +
                                     std::to_string(PostgisCluster::port()) + "/parkatlas";
    EXPECT_TRUE(carriesPassword(withPassword));
    EXPECT_TRUE(carriesPassword("PG:host=x dbname=y password=z"));
    EXPECT_FALSE(carriesPassword(PostgisCluster::uri("alice")));
    try {
        EditSession::open(withPassword, "parcels");
        FAIL() << "a password in the connection was accepted";
    } catch (const IoError& error) {
        EXPECT_NE(std::string(error.what()).find(".pgpass"), std::string::npos) << error.what();
    }
    // The same person through the .pgpass logs in.
    PgConnection alice(PostgisCluster::uri("alice"));
    EXPECT_EQ(alice.currentUser(), "alice");
}

TEST(PostgisStoreTest, AConnectionWhoseSetUpFailsIsClosedNotLeaked)
{
    // The constructor's set-up statements fail for a role that may not call set_config: the
    // constructor throws, so no destructor runs; the connection must be closed all the same
    // (a leaked one stays open on the server, and ASan reports it).
    PostgisCluster::psql("REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) "
                         "FROM PUBLIC");
    auto open = [] {
        return PostgisCluster::psql("SELECT count(*) FROM pg_stat_activity WHERE usename = 'bob'");
    };
    EXPECT_THROW(PgConnection(PostgisCluster::uri("bob")), IoError);
    PostgisCluster::psql("GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) "
                         "TO PUBLIC");
    std::string count = open();
    for (int wait = 0; wait < 50 && count.rfind("0", 0) != 0; ++wait) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        count = open();
    }
    EXPECT_EQ(count.substr(0, 1), "0") << "bob's connection is still open: " << count;
    PgConnection bob(PostgisCluster::uri("bob"));
    EXPECT_EQ(bob.currentUser(), "bob");
}

// -- server-side work ---------------------------------------------------------------------------

TEST(ServerSideTest, CheckOnTheServerFindsWhatTheLocalEngineFindsOnTheSamplePark)
{
    publishSample("sample");
    NullIssueSink issues;
    const Park local = loadPark(discoverPark(kSample + "/park.gpkg"), {}, issues);
    ComplianceOptions options;
    const ComplianceResult expected = checkCompliance(local, options, issues);
    const ComplianceResult server = checkComplianceOnServer(
        PostgisCluster::uri() + "?options=-csearch_path%3Dsample", options, issues);
    ASSERT_GT(expected.findings.size(), 10u);
    EXPECT_EQ(server.rulesRun, expected.rulesRun);
    ASSERT_EQ(server.findings.size(), expected.findings.size());
    for (std::size_t i = 0; i < expected.findings.size(); ++i) {
        const Finding& a = expected.findings[i];
        const Finding& b = server.findings[i];
        EXPECT_EQ(a.rule, b.rule) << i;
        EXPECT_EQ(a.fids, b.fids) << a.rule;
        EXPECT_EQ(a.reasonEn, b.reasonEn) << a.rule;
        EXPECT_EQ(a.geometryWkb, b.geometryWkb) << a.rule;
        EXPECT_TRUE(a.areaMu == b.areaMu || (std::isnan(a.areaMu) && std::isnan(b.areaMu)))
            << a.rule;
    }
    // Every planted server-side case is among them (land use, boundary, protected land, the
    // invalid and the duplicated parcel).
    for (ComplianceRule rule : allComplianceRules()) {
        if (!runsOnServer(rule))
            continue;
        EXPECT_TRUE(std::any_of(server.findings.begin(), server.findings.end(),
                                [&](const Finding& f) { return f.rule == toString(rule); }))
            << toString(rule);
    }
}

TEST(ServerSideTest, ExpansionZonesAreJudgedOnTheServerAsLocally)
{
    // The sample with 东扩片区 proposed for 三类工业 (100103) over its 100102 zone: land_use_mismatch
    // alone runs its SQL (nothing else reads the layers whole), unacquired_land stays local.
    publishSample("sample_rezoned");
    {
        PgConnection pg(PostgisCluster::uri());
        pg.exec("UPDATE sample_rezoned.expansion SET land_use = '100103' WHERE fid = 1");
    }
    const std::string uri = PostgisCluster::uri() + "?options=-csearch_path%3Dsample_rezoned";
    NullIssueSink issues;
    const Park local = loadPark(discoverPark(uri), {}, issues);
    for (ComplianceRule rule : {ComplianceRule::LandUseMismatch, ComplianceRule::UnacquiredLand}) {
        ComplianceOptions options;
        options.rules = {rule};
        const ComplianceResult expected = checkCompliance(local, options, issues);
        const ComplianceResult server = checkComplianceOnServer(uri, options, issues);
        const auto onExpansion = std::count_if(
            expected.findings.begin(), expected.findings.end(),
            [](const Finding& f) { return f.layer == "expansion"; });
        EXPECT_EQ(onExpansion, rule == ComplianceRule::LandUseMismatch ? 1 : 3) << toString(rule);
        ASSERT_EQ(server.findings.size(), expected.findings.size()) << toString(rule);
        for (std::size_t i = 0; i < expected.findings.size(); ++i) {
            const Finding& a = expected.findings[i];
            const Finding& b = server.findings[i];
            EXPECT_EQ(a.layer, b.layer) << a.rule;
            EXPECT_EQ(a.fids, b.fids) << a.rule;
            EXPECT_EQ(a.reasonEn, b.reasonEn) << a.rule;
            EXPECT_EQ(a.geometryWkb, b.geometryWkb) << a.rule;
            EXPECT_TRUE(a.areaMu == b.areaMu || (std::isnan(a.areaMu) && std::isnan(b.areaMu)))
                << a.rule;
        }
    }
}

TEST(ServerSideTest, BuildingCoverageMeasuredByTheServerIsTheLocalOne)
{
    publishSample("sample");
    NullIssueSink issues;
    const Park local = loadPark(discoverPark(kSample + "/park.gpkg"),
                                {{Role::Parcels, Role::Buildings}, {}}, issues);
    const std::string uri = PostgisCluster::uri() + "?options=-csearch_path%3Dsample";
    const Park server = loadPark(discoverPark(uri), {{Role::Parcels}, {}}, issues);
    const std::vector<PlotCoverage> expected = plotCoverage(
        *local.layer(Role::Parcels)->layer, *local.layer(Role::Buildings)->layer, issues);
    const std::vector<PlotCoverage> got =
        coverageOnServer(uri, *server.layer(Role::Parcels)->layer, issues);
    ASSERT_EQ(got.size(), expected.size());
    std::size_t covered = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].validPlot, expected[i].validPlot) << i;
        if (!expected[i].validPlot)
            continue;
        EXPECT_NEAR(got[i].share, expected[i].share, 1e-12) << i;
        covered += expected[i].share > 0;
    }
    EXPECT_GT(covered, 100u);
}

// PostgreSQL's default search_path is `"$user", public`, with the quotes: a connection without
// options means the user's own schema when there is one, else public, never a schema literally
// named "$user" (push used to create one, and the viewer then named its layers "$user.parcels").
TEST(PostgisStoreTest, TheDefaultSearchPathMeansTheUsersSchemaOrPublic)
{
    PgConnection carol(PostgisCluster::uri("carol"));
    EXPECT_EQ(carol.exec("SELECT current_setting('search_path')").text(0, 0),
              "\"$user\", public");
    EXPECT_EQ(carol.currentSchema(), "public");
    PostgisCluster::psql("CREATE SCHEMA IF NOT EXISTS carol AUTHORIZATION carol");
    PgConnection again(PostgisCluster::uri("carol"));
    EXPECT_EQ(again.currentSchema(), "carol");
    PostgisCluster::psql("DROP SCHEMA carol");
}
